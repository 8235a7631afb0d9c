using System.Text;
using Que2Engage.Retrieval;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Reliability;

/// <summary>
/// Issue 24 item 6: damage to the Lucene files of an index (a flipped byte in segments_N, a truncated compound file)
/// is the one-line "not a readable Lucene index" user error naming the file, exit 2, never a raw library exception.
/// </summary>
public sealed class LexicalDamageTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    private string BuildIndex()
    {
        string idx = _s["idx"];
        CatalogIndex.Build(TestCatalog.Small(), new TrigramEmbedder(), idx, new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        return idx;
    }

    private static string LexicalFile(string idx, Func<string, bool> match) =>
        Directory.GetFiles(Path.Combine(idx, IndexManifest.LexicalDirectory)).Single(f => match(Path.GetFileName(f)));

    private static (int Code, string Out, string Err) Search(string idx) =>
        Faults.Cli("search", "--index", idx, "--query", "sofa", "--mode", "lexical");

    [Fact]
    public void AFlippedByteInTheCodecNameOfSegmentsNIsAUserErrorNamingTheFile()
    {
        string idx = BuildIndex();
        string segments = LexicalFile(idx, n => n.StartsWith("segments_"));
        var bytes = File.ReadAllBytes(segments);
        int at = IndexOf(bytes, Encoding.ASCII.GetBytes("Lucene46"));
        Assert.True(at >= 0, "the codec name is in segments_N");
        bytes[at + 4] ^= 0x80; // "Luc\u00e5ne46": the exact damage of the report
        File.WriteAllBytes(segments, bytes);

        Faults.AssertUserError(Search(idx), "not a readable Lucene index");
        Faults.AssertUserError(Search(idx), Path.GetFileName(segments));
    }

    [Fact]
    public void ATruncatedCompoundFileIsAUserErrorNamingTheFile()
    {
        string idx = BuildIndex();
        string cfs = LexicalFile(idx, n => n.EndsWith(".cfs"));
        using (var f = new FileStream(cfs, FileMode.Open)) f.SetLength(f.Length / 2);

        Faults.AssertUserError(Search(idx), "not a readable Lucene index");
        Faults.AssertUserError(Search(idx), Path.GetFileName(cfs));
    }

    [Fact]
    public void EveryFlippedByteOfSegmentsNIsRefusedReadOnlyAndWritable()
    {
        string idx = BuildIndex();
        string segments = LexicalFile(idx, n => n.StartsWith("segments_"));
        var good = File.ReadAllBytes(segments);
        for (int at = 0; at < good.Length; at++)
        {
            var bad = (byte[])good.Clone();
            bad[at] ^= 0x10;
            File.WriteAllBytes(segments, bad);
            AssertRefused(() => CatalogIndex.Open(idx), $"segments_N byte {at}");
            AssertRefused(() => CatalogIndex.OpenWritable(idx), $"segments_N byte {at} (writable)");
        }
    }

    [Fact]
    public void EveryTruncationOfTheCompoundFileIsRefusedReadOnlyAndWritable()
    {
        string idx = BuildIndex();
        string cfs = LexicalFile(idx, n => n.EndsWith(".cfs"));
        var good = File.ReadAllBytes(cfs);
        for (int cut = 0; cut < good.Length; cut += Math.Max(1, good.Length / 97))
        {
            File.WriteAllBytes(cfs, good.AsSpan(0, cut).ToArray());
            AssertRefused(() => CatalogIndex.Open(idx), $".cfs cut at {cut}");
            AssertRefused(() => CatalogIndex.OpenWritable(idx), $".cfs cut at {cut} (writable)");
        }
    }

    [Fact]
    public void AFlippedByteInsideTheCompoundFileIsRefusedWhenOpenedForWrites()
    {
        // The writable open copies the files into memory; it must verify Lucene's per-file checksums as the
        // read-only open does, or serve --write-key-file would serve (and fold) silently damaged postings.
        string idx = BuildIndex();
        Faults.FlipBytes(LexicalFile(idx, n => n.EndsWith(".cfs")), 1);
        AssertRefused(() => CatalogIndex.OpenWritable(idx), "flipped .cfs byte (writable)");
        AssertRefused(() => CatalogIndex.Open(idx), "flipped .cfs byte");
    }

    private static void AssertRefused(Func<CatalogIndex> open, string what)
    {
        try
        {
            open().Dispose();
            Assert.Fail($"{what}: opened");
        }
        catch (InvalidInputException e)
        {
            Assert.True(e.Message.Contains("lexical"), $"{what}: {e.Message}");
            Assert.DoesNotContain('\n', e.Message);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
