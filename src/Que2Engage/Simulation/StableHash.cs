namespace Que2Engage.Simulation;

/// <summary>FNV-1a 64 over UTF-16 code units plus a SplitMix-style mixer: stable across runs and runtimes,
/// unlike <see cref="string.GetHashCode()"/>.</summary>
public static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Fnv1a64(string s)
    {
        ulong h = Offset;
        foreach (char c in s)
        {
            h ^= (byte)c;
            h *= Prime;
            h ^= (byte)(c >> 8);
            h *= Prime;
        }
        return h;
    }

    /// <summary>Order-sensitive combination of two 64-bit values (murmur3 finaliser on a mix).</summary>
    public static ulong Combine(ulong a, ulong b)
    {
        ulong z = a ^ (b + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2));
        z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53UL;
        return z ^ (z >> 33);
    }
}
