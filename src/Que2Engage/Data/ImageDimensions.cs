namespace Que2Engage.Data;

/// <summary>The catalog's image-embedding dimension.</summary>
public static class ImageDimensions
{
    /// <summary>
    /// The most common dimension among products with images (ties: the one seen first), null when no product has an
    /// image. Using the majority, not the first row, means one odd row is reported instead of every good one.
    /// </summary>
    public static int? Majority(IReadOnlyList<Product> products)
    {
        var counts = new Dictionary<int, int>();
        var order = new List<int>();
        foreach (var p in products)
        {
            if (p.ImageEmbeddings.Length == 0) continue;
            int d = p.ImageEmbeddings[0].Length;
            if (!counts.TryAdd(d, 1)) counts[d]++;
            else order.Add(d);
        }
        if (order.Count == 0) return null;
        int best = order[0];
        foreach (var d in order) if (counts[d] > counts[best]) best = d;
        return best;
    }
}
