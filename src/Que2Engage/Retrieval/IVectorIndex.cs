namespace Que2Engage.Retrieval;

/// <summary>
/// A maximum-inner-product index over L2-normalised vectors (so the score is the cosine similarity).
/// Ids are assigned densely in insertion order starting at 0.
/// Concurrency: any number of <see cref="Search"/> calls may run at once; <see cref="Add"/> must not run
/// concurrently with anything else (build, then serve read-only).
/// </summary>
public interface IVectorIndex
{
    /// <summary>Also written into the file header.</summary>
    VectorIndexKind Kind { get; }
    int Dimension { get; }
    int Count { get; }

    /// <summary>Adds one vector (copied) and returns its id.</summary>
    int Add(ReadOnlySpan<float> vector);

    /// <summary>The stored vector of <paramref name="id"/> (a view into the index's storage; do not keep it across Adds).</summary>
    ReadOnlySpan<float> GetVector(int id);

    /// <summary>Up to <paramref name="k"/> hits, best (highest score) first; fewer when the index holds fewer vectors.</summary>
    IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, SearchParameters? parameters = null);

    /// <summary>
    /// Several queries at once, each answered as <see cref="Search"/> would; implementations may share work across
    /// them (<see cref="FlatIndex"/> streams its rows once per block of queries), the default does not.
    /// </summary>
    IReadOnlyList<VectorHit>[] SearchBatch(IReadOnlyList<float[]> queries, int k, SearchParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var results = new IReadOnlyList<VectorHit>[queries.Count];
        for (int q = 0; q < results.Length; q++) results[q] = Search(queries[q], k, parameters);
        return results;
    }

    /// <summary>Writes the index atomically (temp file + rename) in the versioned, checksummed format of <see cref="VectorIndexFile"/>.</summary>
    void Save(string path);
}

public static class VectorIndexExtensions
{
    /// <summary>Adds every vector in order; returns the id of the first one.</summary>
    public static int AddRange(this IVectorIndex index, IEnumerable<float[]> vectors)
    {
        int first = index.Count;
        foreach (var v in vectors) index.Add(v);
        return first;
    }

    internal static void CheckDimension(int expected, int actual, string what)
    {
        if (actual != expected)
            throw new InvalidInputException($"{what} has dimension {actual}, but the index has dimension {expected}.");
    }

    internal static void CheckK(int k)
    {
        if (k < 1) throw new InvalidInputException($"k must be at least 1 (got {k}).");
    }
}
