using System.Numerics;

namespace Que2Engage.Retrieval;

/// <summary>
/// A set of catalog ordinals as a bitmap (one bit per ordinal) with its size: what a vector search is allowed to
/// return (live listings that pass a <see cref="SearchFilter"/>). <see cref="Count"/> gives the filter's selectivity,
/// which lets HNSW choose between a filtered graph walk and an exact scan over the passing ordinals.
/// </summary>
public sealed class OrdinalSet
{
    private ulong[] _bits;

    public OrdinalSet(int capacity = 64) => _bits = new ulong[Math.Max(1, (capacity + 63) >> 6)];

    /// <summary>Members.</summary>
    public int Count { get; private set; }

    /// <summary>One past the largest ordinal the bitmap can hold without growing.</summary>
    public int Capacity => _bits.Length << 6;

    public bool Contains(int ordinal) => (uint)ordinal < (uint)Capacity && (_bits[ordinal >> 6] & (1UL << ordinal)) != 0;

    public void Add(int ordinal)
    {
        if (ordinal >= Capacity) Array.Resize(ref _bits, Math.Max((ordinal >> 6) + 1, _bits.Length * 2));
        ref ulong w = ref _bits[ordinal >> 6];
        ulong mask = 1UL << ordinal;
        if ((w & mask) == 0) { w |= mask; Count++; }
    }

    public void Remove(int ordinal)
    {
        if (!Contains(ordinal)) return;
        _bits[ordinal >> 6] &= ~(1UL << ordinal);
        Count--;
    }

    /// <summary>Members in increasing order.</summary>
    public IEnumerable<int> Ordinals()
    {
        for (int w = 0; w < _bits.Length; w++)
        {
            ulong bits = _bits[w];
            while (bits != 0)
            {
                int b = BitOperations.TrailingZeroCount(bits);
                yield return (w << 6) + b;
                bits &= bits - 1;
            }
        }
    }

    /// <summary>The ordinals in 0..<paramref name="count"/>-1 (an unfiltered, tombstone-free index).</summary>
    public static OrdinalSet All(int count)
    {
        var s = new OrdinalSet(count);
        for (int i = 0; i < count; i++) s.Add(i);
        return s;
    }
}
