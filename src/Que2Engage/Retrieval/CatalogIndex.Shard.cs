using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Retrieval;

public sealed partial class CatalogIndex
{
    private long[]? _positions;
    private bool _positionsRead;

    /// <summary>
    /// The catalog positions of this shard's listings by ordinal (<see cref="ShardSet.PositionsFile"/>), or null: no file,
    /// or the listings changed since the shard was cut (writes), so positions no longer line up with ordinals.
    /// </summary>
    private long[]? CatalogPositions()
    {
        if (_positionsRead) return _positions;
        long[]? positions = null;
        var path = Path.Combine(Directory, ShardSet.PositionsFile);
        if (File.Exists(path) && Manifest.WalSeq == 0 && Tombstones == 0 && Count == Manifest.Products)
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == Manifest.Products * sizeof(long))
            {
                positions = new long[Manifest.Products];
                for (int i = 0; i < positions.Length; i++) positions[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8));
            }
        }
        _positions = positions;
        _positionsRead = true;
        return positions;
    }

    /// <summary>
    /// This index as one shard of a cluster: the unfused top vector and BM25 candidates of <paramref name="q"/> (its
    /// depths), with the same checks, filters and tombstones as <see cref="SearchAsync"/>. The front end merges every
    /// shard's lists with <see cref="ShardMerge"/>.
    /// </summary>
    /// <summary>This shard's BM25 statistics for the terms of <paramref name="query"/> (summed over shards by the front end).</summary>
    public LexicalStatistics LexicalStatistics(string query)
    {
        CatalogState state;
        while (true)
        {
            state = _state;
            if (state.TryEnter()) break;
        }
        try { return state.Lexical.Statistics(query ?? ""); }
        finally { state.Exit(); }
    }

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
            var positions = IsWritable ? null : CatalogPositions();
            long Position(int ordinal) => positions is not null && ordinal < positions.Length ? positions[ordinal] : long.MaxValue;
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
                : Task.Run(() => state.Lexical.Search(q.Text ?? "", q.LexicalDepth, q.Filter, q.Statistics), cancellationToken);
            await Task.WhenAll(vectorTask, lexicalTask).ConfigureAwait(false);
            state.Lock.EnterReadLock();
            try
            {
                // A write between the two searches can leave one of them holding a listing replaced since.
                return new ShardCandidates(
                    vectorTask.Result.Where(h => state.Live.Contains(h.Id)).Select(h => new ShardCandidate(state.Entries[h.Id], h.Score, Position(h.Id))).ToList(),
                    lexicalTask.Result.Where(h => state.Live.Contains(h.Ordinal)).Select(h => new ShardCandidate(state.Entries[h.Ordinal], h.Score, Position(h.Ordinal))).ToList());
            }
            finally { state.Lock.ExitReadLock(); }
        }
        finally
        {
            state.Exit();
        }
    }
}
