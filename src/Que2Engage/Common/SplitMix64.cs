namespace Que2Engage.Common;

/// <summary>
/// Tiny seeded RNG whose whole state is one ulong (System.Random's state cannot be saved), used for data order so a
/// checkpoint can record and restore it exactly; its step and finaliser also seed the simulator's xoshiro
/// streams, the HNSW level draws and the benchmarks' vectors.
/// </summary>
public struct SplitMix64
{
    public ulong State;

    public SplitMix64(ulong seed) => State = seed;

    public static SplitMix64 For(long seed, long stream) =>
        new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xD1B54A32D192ED03UL ^ 0x5DEECE66DUL));

    public ulong Next() => Next(ref State);

    /// <summary>One SplitMix64 step on an external state word.</summary>
    public static ulong Next(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64's finaliser: a bijective avalanche of all 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)(Next() % (ulong)n);

    public void Shuffle<T>(T[] a)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
