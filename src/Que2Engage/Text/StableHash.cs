using System.Text;

namespace Que2Engage.Text;

/// <summary>
/// FNV-1a 64-bit over UTF-8 bytes. Written out by hand (instead of <c>string.GetHashCode</c>, which is randomised
/// per process, or System.IO.Hashing, which is an extra package) so token ids are identical across processes,
/// machines and .NET versions — a saved model depends on it.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Fnv1a64(string text)
    {
        Span<byte> stack = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > stack.Length ? new byte[max] : null;
        Span<byte> buffer = rented ?? stack;
        int n = Encoding.UTF8.GetBytes(text, buffer);
        return Fnv1a64(buffer[..n]);
    }

    public static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        ulong h = OffsetBasis;
        foreach (byte b in bytes)
        {
            h ^= b;
            h *= Prime;
        }
        return h;
    }

    /// <summary>Maps a string to [0, buckets) stably.</summary>
    public static int Bucket(string text, int buckets) => (int)(Fnv1a64(text) % (ulong)buckets);
}
