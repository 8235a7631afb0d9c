namespace Que2Engage.Retrieval;

/// <summary>
/// Runs embedding-based retrieval and BM25 side by side (as production search runs its retrievers in parallel: BM25
/// runs while the query embedding is still being computed, and the vector search as soon as it is ready) and fuses
/// them with <see cref="ResultFusion"/>. Thread-safe.
/// </summary>
public sealed class HybridSearcher
{
    private readonly IVectorIndex _vectors;
    private readonly LexicalIndex _lexical;
    private readonly ReaderWriterLockSlim? _vectorLock;

    /// <param name="vectorLock">Held for reading around each vector search when the index is written while serving.</param>
    public HybridSearcher(IVectorIndex vectors, LexicalIndex lexical, FusionOptions? fusion = null, ReaderWriterLockSlim? vectorLock = null)
    {
        _vectors = vectors;
        _lexical = lexical;
        _vectorLock = vectorLock;
        Fusion = fusion ?? new FusionOptions();
        Fusion.Validate();
    }

    public FusionOptions Fusion { get; }

    /// <param name="queryText">The raw query (for BM25).</param>
    /// <param name="queryVector">The L2-normalised query embedding; required unless <paramref name="mode"/> is Lexical.</param>
    /// <param name="allowed">Ordinals the vector search may return (live listings passing the filter); null = all.</param>
    /// <param name="filter">The same filter for the lexical side, run as a Lucene filter query.</param>
    public Task<IReadOnlyList<FusedHit>> SearchAsync(string queryText, float[]? queryVector, int k, SearchMode mode,
        int? ef = null, CancellationToken cancellationToken = default, OrdinalSet? allowed = null, SearchFilter? filter = null) =>
        SearchAsync(queryText, queryVector is null ? null : Task.FromResult(queryVector), k, mode, ef, cancellationToken, allowed, filter);

    /// <param name="queryVector">The query embedding, possibly still being computed: BM25 runs meanwhile, the vector search waits for it.</param>
    public async Task<IReadOnlyList<FusedHit>> SearchAsync(string queryText, Task<float[]>? queryVector, int k, SearchMode mode,
        int? ef, CancellationToken cancellationToken, OrdinalSet? allowed, SearchFilter? filter)
    {
        VectorIndexExtensions.CheckK(k);
        if (mode != SearchMode.Lexical && queryVector is null)
            throw new InvalidInputException($"Search mode '{mode.ToWire()}' needs a query embedding (load a model), or use mode 'lexical'.");
        var p = new SearchParameters(ef, allowed);
        switch (mode)
        {
            case SearchMode.Ebr:
                return ResultFusion.FromEbr(VectorSearch(await queryVector!.ConfigureAwait(false), k, p), k);
            case SearchMode.Lexical:
                return ResultFusion.FromLexical(_lexical.Search(queryText, k, filter), k);
        }
        int depth = (int)Math.Min(int.MaxValue, (long)k * Fusion.CandidateMultiplier);
        // BM25 runs on this thread while the embedding is computed elsewhere (the query batcher, or a pool thread);
        // the vector search follows the embedding on whichever thread finished it. No extra thread-pool hop per
        // request: under load every core is already busy with other requests (measured in BENCHMARKS.md).
        var ebrTask = VectorSearchAsync(queryVector!, depth, p);
        cancellationToken.ThrowIfCancellationRequested();
        var lexical = _lexical.Search(queryText, depth, filter);
        return ResultFusion.Fuse(await ebrTask.ConfigureAwait(false), lexical, k, Fusion);
    }

    private async Task<IReadOnlyList<VectorHit>> VectorSearchAsync(Task<float[]> queryVector, int k, SearchParameters p) =>
        VectorSearch(await queryVector.ConfigureAwait(false), k, p);

    private IReadOnlyList<VectorHit> VectorSearch(float[] query, int k, SearchParameters p)
    {
        if (_vectorLock is null) return _vectors.Search(query, k, p);
        _vectorLock.EnterReadLock();
        try { return _vectors.Search(query, k, p); }
        finally { _vectorLock.ExitReadLock(); }
    }
}
