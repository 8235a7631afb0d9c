namespace Que2Engage.Simulation;

/// <summary>
/// The hidden attributes and attractiveness of every product, in compact columns (≈ 10 bytes per product), so a
/// million-product world stays in memory while listings themselves are streamed to disk.
/// Product i has id <see cref="ProductSynthesizer.ProductId"/>(i) when generated; loaded worlds keep their ids.
/// </summary>
public sealed class CatalogTruth
{
    private readonly byte[] _category, _colour, _material, _style;
    private readonly short[] _brand;
    private readonly float[] _attractiveness;
    private int[][]? _membersByCategory;

    public CatalogTruth(int count)
    {
        Count = count;
        _category = new byte[count];
        _colour = new byte[count];
        _material = new byte[count];
        _style = new byte[count];
        _brand = new short[count];
        _attractiveness = new float[count];
    }

    public int Count { get; }

    public ProductTraits Traits(int i) => new(_category[i], _brand[i], _colour[i], _material[i], _style[i]);

    /// <summary>Standardised hidden attractiveness A(p): mean 0, sd 1 over the catalog.</summary>
    public float Attractiveness(int i) => _attractiveness[i];

    public void Set(int i, in ProductTraits t, float attractiveness)
    {
        _category[i] = checked((byte)t.Category);
        _brand[i] = checked((short)t.Brand);
        _colour[i] = checked((byte)t.Colour);
        _material[i] = checked((byte)t.Material);
        _style[i] = checked((byte)t.Style);
        _attractiveness[i] = attractiveness;
        _membersByCategory = null;
    }

    /// <summary>Rescales the stored (raw) attractiveness to mean 0 and sd 1, so β·A has a fixed, meaningful spread.</summary>
    public void Standardise()
    {
        double sum = 0, sumSq = 0;
        foreach (float a in _attractiveness) { sum += a; sumSq += (double)a * a; }
        double mean = sum / Count;
        double sd = Math.Sqrt(Math.Max(sumSq / Count - mean * mean, 0));
        if (sd < 1e-12) sd = 1;
        for (int i = 0; i < Count; i++) _attractiveness[i] = (float)((_attractiveness[i] - mean) / sd);
    }

    /// <summary>Product indices per category, ascending (built once, on first use).</summary>
    public int[] CategoryMembers(int category)
    {
        _membersByCategory ??= BuildMembers();
        return category < _membersByCategory.Length ? _membersByCategory[category] : [];
    }

    private int[][] BuildMembers()
    {
        int categories = 0;
        foreach (byte c in _category) categories = Math.Max(categories, c + 1);
        var counts = new int[categories];
        foreach (byte c in _category) counts[c]++;
        var members = counts.Select(n => new int[n]).ToArray();
        var fill = new int[categories];
        for (int i = 0; i < Count; i++) members[_category[i]][fill[_category[i]]++] = i;
        return members;
    }
}
