namespace Que2Engage.Retrieval;

/// <summary>
/// Runs embedding-based retrieval and BM25 side by side (two tasks, awaited together, as production search runs
/// its retrievers in parallel; BM25 starts while the query embedding may still be computing) and fuses them with <see cref="ResultFusion"/>. Thread-safe.
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
        var vectorTask = queryVector!;
        var ebrTask = Task.Run(async () => VectorSearch(await vectorTask.ConfigureAwait(false), depth, p), cancellationToken);
        var lexicalTask = Task.Run(() => _lexical.Search(queryText, depth, filter), cancellationToken);
        await Task.WhenAll(ebrTask, lexicalTask).ConfigureAwait(false);
        return ResultFusion.Fuse(ebrTask.Result, lexicalTask.Result, k, Fusion);
    }

    private IReadOnlyList<VectorHit> VectorSearch(float[] query, int k, SearchParameters p)
    {
        if (_vectorLock is null) return _vectors.Search(query, k, p);
        _vectorLock.EnterReadLock();
        try { return _vectors.Search(query, k, p); }
        finally { _vectorLock.ExitReadLock(); }
    }
}
