using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Retrieval;

public sealed partial class CatalogIndex
{
    /// <summary>
    /// This index as one shard of a cluster: the unfused top vector and BM25 candidates of <paramref name="q"/> (its
    /// depths), with the same checks, filters and tombstones as <see cref="SearchAsync"/>. The front end merges every
    /// shard's lists with <see cref="ShardMerge"/>.
    /// </summary>
    public async Task<ShardCandidates> SearchShardAsync(ShardQuery q, CancellationToken cancellationToken = default)
    {
        if (q.VectorDepth < 0 || q.LexicalDepth < 0) throw new InvalidInputException("shard query depths must be ≥ 0.");
        var queryVector = q.Vector;
        if (q.VectorDepth > 0)
        {
            if (queryVector is null) throw new InvalidInputException("a vector search needs the query embedding.");
            queryVector = EmbeddingChecks.Normalised(queryVector, Dimension, "query vector", fromUser: true, extra: Manifest.ExtraCoordinates);
        }
        if (q.Filter is { IsEmpty: false } && q.LexicalDepth > 0 && !Manifest.FilterFields)
            throw new InvalidInputException($"{Directory}: this index was built before search filters existed; rebuild it with 'index' (or filter with mode ebr).");
        CatalogState state;
        while (true)
        {
            state = _state;
            if (state.TryEnter()) break;
        }
        try
        {
            OrdinalSet? allowed;
            state.Lock.EnterReadLock();
            try { allowed = state.Allowed(q.Filter); }
            finally { state.Lock.ExitReadLock(); }
            var p = new SearchParameters(q.Ef, allowed);
            var vectorTask = q.VectorDepth == 0 || state.LiveCount == 0 ? Task.FromResult<IReadOnlyList<VectorHit>>([])
                : Task.Run(() =>
                {
                    state.Lock.EnterReadLock();
                    try { return state.Vectors.Search(queryVector!, q.VectorDepth, p); }
                    finally { state.Lock.ExitReadLock(); }
                }, cancellationToken);
            var lexicalTask = q.LexicalDepth == 0 ? Task.FromResult<IReadOnlyList<LexicalHit>>([])
                : Task.Run(() => state.Lexical.Search(q.Text ?? "", q.LexicalDepth, q.Filter), cancellationToken);
            await Task.WhenAll(vectorTask, lexicalTask).ConfigureAwait(false);
            state.Lock.EnterReadLock();
            try
            {
                // A write between the two searches can leave one of them holding a listing replaced since.
                return new ShardCandidates(
                    vectorTask.Result.Where(h => state.Live.Contains(h.Id)).Select(h => new ShardCandidate(state.Entries[h.Id], h.Score)).ToList(),
                    lexicalTask.Result.Where(h => state.Live.Contains(h.Ordinal)).Select(h => new ShardCandidate(state.Entries[h.Ordinal], h.Score)).ToList());
            }
            finally { state.Lock.ExitReadLock(); }
        }
        finally
        {
            state.Exit();
        }
    }
}
