using System.Numerics.Tensors;

namespace Que2Engage.Retrieval;

/// <summary>
/// Exact maximum-inner-product search: one SIMD dot product (<see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>)
/// per stored row. Small catalogs are scanned on the calling thread; large ones are split into chunks scanned
/// in parallel, each with its own top-k heap, merged at the end. The ground truth for HNSW recall and the evaluator's
/// exact top-k (<see cref="SearchBatch"/>). Ties are broken by the lower id, so every result is deterministic.
/// Body layout: the vectors, row-major float32 (count × dimension).
/// </summary>
public sealed class FlatIndex : IVectorIndex
{
    /// <summary>Below this many stored floats (≈ 8k rows at dimension 128) a scan is cheaper than waking threads.</summary>
    public const int ParallelThresholdFloats = 1 << 20;

    private readonly VectorStore _store;

    public FlatIndex(int dimension, int initialCapacity = 1024) => _store = new VectorStore(dimension, initialCapacity);

    private FlatIndex(VectorStore store) => _store = store;

    /// <summary>A flat index over copies of <paramref name="rows"/> (at least one, all of one dimension).</summary>
    public static FlatIndex Of(IReadOnlyList<float[]> rows) => (FlatIndex)VectorIndexKind.Flat.Of(rows);

    public VectorIndexKind Kind => VectorIndexKind.Flat;
    public int Dimension => _store.Dimension;
    public int Count => _store.Count;

    /// <summary>Maximum threads a single query may use (default: all cores). 1 forces the sequential scan.</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    public int Add(ReadOnlySpan<float> vector) => _store.Add(vector);

    public IVectorIndex CreateEmpty(int initialCapacity) => new FlatIndex(Dimension, initialCapacity);

    public ReadOnlySpan<float> GetVector(int id) => _store.RowChecked(id);

    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, SearchParameters? parameters = null)
    {
        VectorIndexExtensions.CheckK(k);
        VectorIndexExtensions.CheckDimension(Dimension, query.Length, "The query vector");
        int n = Count;
        if (n == 0) return [];
        var allowed = parameters?.Allowed;
        if (allowed is not null && allowed.Count < n)
        {
            // Exact search over the allowed ids only (deleted listings and filtered-out ones never compete).
            if (allowed.Count == 0) return [];
            k = Math.Min(k, allowed.Count);
            var filtered = new ScoreHeap(k);
            foreach (int i in allowed.Ordinals())
                if (i < n) filtered.Offer(TensorPrimitives.Dot(query, _store.Row(i)), i, k);
            return filtered.DrainDescending();
        }
        k = Math.Min(k, n);
        if (MaxDegreeOfParallelism <= 1 || (long)n * Dimension < ParallelThresholdFloats)
        {
            var heap = new ScoreHeap(k);
            Scan(query, 0, n, k, heap);
            return heap.DrainDescending();
        }
        return SearchParallel(query.ToArray(), n, k);
    }

    /// <summary>Queries scored together per stored row in <see cref="SearchBatch"/>.</summary>
    private const int QueryBlock = 8;

    /// <summary>
    /// Exact top-k of every query, equal to one <see cref="Search"/> each, on the calling thread: a block of queries is
    /// scored against each row while the row is in cache, so the rows are streamed from memory once per block
    /// instead of once per query (callers parallelise over blocks of queries).
    /// </summary>
    public IReadOnlyList<VectorHit>[] SearchBatch(IReadOnlyList<float[]> queries, int k, SearchParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        VectorIndexExtensions.CheckK(k);
        foreach (var query in queries)
        {
            ArgumentNullException.ThrowIfNull(query);
            VectorIndexExtensions.CheckDimension(Dimension, query.Length, "The query vector");
        }
        var results = new IReadOnlyList<VectorHit>[queries.Count];
        int n = Count;
        if (parameters?.Allowed is not null || n == 0)
        {
            for (int q = 0; q < results.Length; q++) results[q] = Search(queries[q], k, parameters);
            return results;
        }
        k = Math.Min(k, n);
        for (int start = 0; start < queries.Count; start += QueryBlock)
        {
            int count = Math.Min(QueryBlock, queries.Count - start);
            var heaps = new ScoreHeap[count];
            for (int q = 0; q < count; q++) heaps[q] = new ScoreHeap(k);
            for (int i = 0; i < n; i++)
            {
                var row = _store.Row(i);
                for (int q = 0; q < count; q++) heaps[q].Offer(TensorPrimitives.Dot(queries[start + q], row), i, k);
            }
            for (int q = 0; q < count; q++) results[start + q] = heaps[q].DrainDescending();
        }
        return results;
    }

    private void Scan(ReadOnlySpan<float> query, int from, int to, int k, ScoreHeap heap)
    {
        for (int i = from; i < to; i++)
            heap.Offer(TensorPrimitives.Dot(query, _store.Row(i)), i, k);
    }

    private VectorHit[] SearchParallel(float[] query, int n, int k)
    {
        int workers = Math.Min(MaxDegreeOfParallelism, Environment.ProcessorCount);
        int chunks = workers * 4;
        int chunkSize = (n + chunks - 1) / chunks;
        var merged = new ScoreHeap(k);
        var gate = new object();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers },
            () => new ScoreHeap(k),
            (c, _, local) =>
            {
                int from = c * chunkSize, to = Math.Min(n, from + chunkSize);
                if (from < to) Scan(query, from, to, k, local);
                return local;
            },
            local =>
            {
                var hits = local.DrainDescending();
                lock (gate) foreach (var h in hits) merged.Offer(h.Score, h.Id, k);
            });
        return merged.DrainDescending();
    }

    public void Save(string path)
    {
        using var w = new IndexFileWriter(path);
        VectorIndexFile.WriteHeader(w, Kind, Dimension, Count, (long)Count * Dimension * sizeof(float));
        w.WriteFloats(_store.Filled);
        w.Commit();
    }

    public static FlatIndex Load(string path) => VectorIndexFile.Load(path) as FlatIndex
        ?? throw new InvalidInputException($"{path}: the file holds a {VectorIndexFile.PeekKind(path)} index, not a flat one.");

    internal static FlatIndex ReadBody(IndexFileReader r, VectorIndexFile.Header h, bool memoryMap = false)
    {
        long expected = (long)h.Count * h.Dimension * sizeof(float);
        if (h.BodyBytes != expected)
            throw r.Error($"corrupt header: a flat index of {h.Count} × {h.Dimension} needs {expected} body bytes, the header says {h.BodyBytes}.");
        return new FlatIndex(VectorIndexFile.ReadVectors(r, h.Dimension, h.Count, memoryMap, h.Count));
    }

    /// <summary>True while the vectors are served from a memory map of the index file.</summary>
    public bool IsMemoryMapped => _store.IsMapped;
}
