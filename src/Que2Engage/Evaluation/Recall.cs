namespace Que2Engage.Evaluation;

/// <summary>
/// Recall@k = |top-k ∩ relevant| / |relevant| (the standard definition; not capped by k, so when more than k
/// products are relevant the best achievable recall@k is k / |relevant|).
/// </summary>
public static class Recall
{
    /// <returns>Recall in [0, 1], or NaN when <paramref name="relevant"/> is empty (undefined; the query is skipped).</returns>
    public static double AtK(IReadOnlyList<string> retrieved, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(retrieved);
        ArgumentNullException.ThrowIfNull(relevant);
        if (k < 1) throw new InvalidInputException($"k must be ≥ 1 (was {k})");
        if (relevant.Count == 0) return double.NaN;
        int hits = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Math.Min(k, retrieved.Count); i++)
            if (seen.Add(retrieved[i]) && relevant.Contains(retrieved[i])) hits++;
        return (double)hits / relevant.Count;
    }
}
