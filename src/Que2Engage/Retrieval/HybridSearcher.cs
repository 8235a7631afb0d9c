namespace Que2Engage.Retrieval;

/// <summary>
/// Runs embedding-based retrieval and BM25 side by side (two tasks, awaited together, as production search runs
/// its retrievers in parallel) and fuses them with <see cref="ResultFusion"/>. Thread-safe.
/// </summary>
public sealed class HybridSearcher
{
    private readonly IVectorIndex _vectors;
    private readonly LexicalIndex _lexical;

    public HybridSearcher(IVectorIndex vectors, LexicalIndex lexical, FusionOptions? fusion = null)
    {
        _vectors = vectors;
        _lexical = lexical;
        Fusion = fusion ?? new FusionOptions();
        Fusion.Validate();
    }

    public FusionOptions Fusion { get; }

    /// <param name="queryText">The raw query (for BM25).</param>
    /// <param name="queryVector">The L2-normalised query embedding; required unless <paramref name="mode"/> is Lexical.</param>
    public async Task<IReadOnlyList<FusedHit>> SearchAsync(string queryText, float[]? queryVector, int k, SearchMode mode,
        int? ef = null, CancellationToken cancellationToken = default)
    {
        VectorIndexExtensions.CheckK(k);
        if (mode != SearchMode.Lexical && queryVector is null)
            throw new InvalidInputException($"Search mode '{mode.ToWire()}' needs a query embedding (load a model), or use mode 'lexical'.");
        var p = new SearchParameters(ef);
        switch (mode)
        {
            case SearchMode.Ebr:
                return ResultFusion.FromEbr(_vectors.Search(queryVector, k, p), k);
            case SearchMode.Lexical:
                return ResultFusion.FromLexical(_lexical.Search(queryText, k), k);
        }
        int depth = (int)Math.Min(int.MaxValue, (long)k * Fusion.CandidateMultiplier);
        var ebrTask = Task.Run(() => _vectors.Search(queryVector, depth, p), cancellationToken);
        var lexicalTask = Task.Run(() => _lexical.Search(queryText, depth), cancellationToken);
        await Task.WhenAll(ebrTask, lexicalTask).ConfigureAwait(false);
        return ResultFusion.Fuse(ebrTask.Result, lexicalTask.Result, k, Fusion);
    }
}
