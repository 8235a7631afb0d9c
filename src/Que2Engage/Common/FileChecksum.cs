using System.IO.Hashing;

namespace Que2Engage.Common;

/// <summary>
/// Content checksums of whole files, as text "xxh128:&lt;32 hex digits&gt;" (System.IO.Hashing's XXH3-128). Used to
/// verify model weights on load and as a model's identity (an index records the checksum of the weights that made
/// its vectors). XXH3 rather than a cryptographic hash: it detects accidental damage and tells models apart at
/// memory speed; nothing here defends against a deliberate forgery by someone who can write the model files.
/// </summary>
public static class FileChecksum
{
    public const string Prefix = "xxh128:";

    public static string Compute(string path)
    {
        var hash = new XxHash128();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            hash.Append(stream);
        return Prefix + Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>A short form for messages: the prefix and the first 12 hex digits.</summary>
    public static string Short(string checksum) =>
        checksum.Length > Prefix.Length + 12 ? checksum[..(Prefix.Length + 12)] : checksum;
}
