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
    /// them (the flat kind streams its rows once per block of queries), the default does not.
    /// </summary>
    IReadOnlyList<VectorHit>[] SearchBatch(IReadOnlyList<float[]> queries, int k, SearchParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var results = new IReadOnlyList<VectorHit>[queries.Count];
        for (int q = 0; q < results.Length; q++) results[q] = Search(queries[q], k, parameters);
        return results;
    }

    /// <summary>How the search walk compresses the vectors; <see cref="VectorQuantization.None"/> unless the kind quantises.</summary>
    VectorQuantization Quantization => VectorQuantization.None;

    /// <summary>An empty index of the same kind, dimension and build settings, to rebuild rows into (e.g. a compaction).</summary>
    IVectorIndex CreateEmpty(int initialCapacity);

    /// <summary>
    /// Adds the rows of <paramref name="rows"/> (row-major, a multiple of the dimension) and returns the first new id. A
    /// kind may insert on <paramref name="threads"/> threads and finish the block (e.g. fit a quantiser); the default adds
    /// them one by one on the calling thread. <paramref name="progress"/> gets the number of rows added so far, at least
    /// once at the end. Not thread-safe with anything else.
    /// </summary>
    int AddRows(ReadOnlySpan<float> rows, int threads = 1, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int dim = Dimension;
        if (rows.Length % dim != 0)
            throw new InvalidInputException($"{rows.Length} floats are not a whole number of {dim}-dimensional rows.");
        int count = rows.Length / dim, first = Count;
        for (int i = 0; i < count; i++)
        {
            if ((i & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            Add(rows.Slice(i * dim, dim));
        }
        progress?.Invoke(count);
        return first;
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
