using System.Text;

namespace Que2Engage.Common;

/// <summary>
/// FNV-1a 64-bit hashing, written out by hand (instead of <c>string.GetHashCode</c>, which is randomised per
/// process, or System.IO.Hashing, which is an extra package) so hashes are identical across processes, machines
/// and .NET versions: saved models (token ids), generated worlds (seeds) and result file names depend on it.
/// </summary>
public static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>FNV-1a 64 over the UTF-8 bytes of <paramref name="text"/> (the standard test vectors apply).</summary>
    public static ulong Fnv1a64(string text)
    {
        Span<byte> stack = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> buffer = max > stack.Length ? new byte[max] : stack;
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

    /// <summary>
    /// FNV-1a 64 over the UTF-16 code units of <paramref name="text"/>, low byte first (i.e. its UTF-16LE bytes,
    /// on any endianness). Differs from <see cref="Fnv1a64(string)"/>; the simulator's seeds are derived from it,
    /// so changing it would change every generated world.
    /// </summary>
    public static ulong Fnv1a64Utf16(string text)
    {
        ulong h = OffsetBasis;
        foreach (char c in text)
        {
            h ^= (byte)c;
            h *= Prime;
            h ^= (byte)(c >> 8);
            h *= Prime;
        }
        return h;
    }

    /// <summary>Maps a string to [0, buckets) stably (UTF-8 FNV-1a modulo <paramref name="buckets"/>).</summary>
    public static int Bucket(string text, int buckets) => (int)(Fnv1a64(text) % (ulong)buckets);

    /// <summary>Order-sensitive combination of two 64-bit values (murmur3 finaliser on a mix).</summary>
    public static ulong Combine(ulong a, ulong b)
    {
        ulong z = a ^ (b + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2));
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }
}
