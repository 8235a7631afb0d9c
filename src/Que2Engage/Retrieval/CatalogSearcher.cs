using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Retrieval;

/// <summary>
/// Reads and searches the generation a catalog index serves: its live listings, the fused hybrid search and, for an
/// index serving as one shard of a cluster, the unfused candidates and BM25 statistics. Thread-safe; a search runs
/// to its end on the state it started on even when a compaction switches generations meanwhile.
/// </summary>
internal sealed class CatalogSearcher(ServedGeneration generation)
{
    private long[]? _positions;
    private bool _positionsRead;

    /// <summary>The live listings in ordinal order (a snapshot).</summary>
    public IReadOnlyList<CatalogEntry> Products()
    {
        var s = generation.State;
        s.Lock.EnterReadLock();
        try { return s.Live.Ordinals().Select(o => s.Entries[o]).ToList(); }
        finally { s.Lock.ExitReadLock(); }
    }

    public CatalogEntry? FindProduct(string productId)
    {
        var s = generation.State;
        s.Lock.EnterReadLock();
        try { return s.OrdinalById.TryGetValue(productId, out int i) ? s.Entries[i] : null; }
        finally { s.Lock.ExitReadLock(); }
    }

    /// <summary>See <see cref="CatalogIndex.SearchAsync(string, Task{float[]}?, int, SearchMode, int?, CancellationToken, SearchFilter?)"/>; the vector is normalised.</summary>
    public async Task<IReadOnlyList<CatalogHit>> SearchAsync(string query, Task<float[]>? queryVector, int k, SearchMode mode,
        int? ef, CancellationToken cancellationToken, SearchFilter? filter)
    {
        if (filter is { IsEmpty: false } && mode != SearchMode.Ebr && !generation.Manifest.FilterFields)
            throw new InvalidInputException($"{generation.Directory}: this index was built before search filters existed; rebuild it with 'index' (or filter with mode ebr).");
        var state = generation.Enter();
        try
        {
            OrdinalSet? allowed;
            state.Lock.EnterReadLock();
            try { allowed = state.Allowed(filter); }
            finally { state.Lock.ExitReadLock(); }
            var fused = await state.Searcher.SearchAsync(query ?? "", queryVector, k, mode, ef, cancellationToken, allowed, filter).ConfigureAwait(false);
            var hits = new List<CatalogHit>(fused.Count);
            state.Lock.EnterReadLock();
            try
            {
                foreach (var f in fused)
                {
                    // A write between the two retrievers' searches can leave one of them holding a listing replaced since.
                    if (!state.Live.Contains(f.Ordinal)) continue;
                    hits.Add(new CatalogHit(hits.Count + 1, state.Entries[f.Ordinal], f.Score, f.Sources, f.EbrScore, f.EbrRank, f.LexicalScore, f.LexicalRank));
                }
            }
            finally { state.Lock.ExitReadLock(); }
            return hits;
        }
        finally
        {
            state.Exit();
        }
    }

    /// <summary>This shard's BM25 statistics for the terms of <paramref name="query"/> (summed over shards by the front end).</summary>
    public LexicalStatistics LexicalStatistics(string query)
    {
        var state = generation.Enter();
        try { return state.Lexical.Statistics(query ?? ""); }
        finally { state.Exit(); }
    }

    /// <summary>
    /// See <see cref="CatalogIndex.SearchShardAsync"/>. With <paramref name="withCatalogPositions"/> each candidate carries
    /// its catalog position when the shard's positions still line up with its ordinals.
    /// </summary>
    public async Task<ShardCandidates> SearchShardAsync(ShardQuery q, bool withCatalogPositions, CancellationToken cancellationToken)
    {
        if (q.VectorDepth < 0 || q.LexicalDepth < 0) throw new InvalidInputException("shard query depths must be ≥ 0.");
        var queryVector = q.Vector;
        var manifest = generation.Manifest;
        if (q.VectorDepth > 0)
        {
            if (queryVector is null) throw new InvalidInputException("a vector search needs the query embedding.");
            queryVector = EmbeddingChecks.Normalised(queryVector, generation.State.Vectors.Dimension, "query vector", fromUser: true, extra: manifest.ExtraCoordinates);
        }
        if (q.Filter is { IsEmpty: false } && q.LexicalDepth > 0 && !manifest.FilterFields)
            throw new InvalidInputException($"{generation.Directory}: this index was built before search filters existed; rebuild it with 'index' (or filter with mode ebr).");
        var state = generation.Enter();
        try
        {
            var positions = withCatalogPositions ? CatalogPositions() : null;
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

    /// <summary>
    /// The catalog positions of this shard's listings by ordinal (<see cref="ShardSet.PositionsFile"/>), or null: no file,
    /// or the listings changed since the shard was cut (writes), so positions no longer line up with ordinals.
    /// </summary>
    private long[]? CatalogPositions()
    {
        if (_positionsRead) return _positions;
        long[]? positions = null;
        var manifest = generation.Manifest;
        var state = generation.State;
        var path = Path.Combine(generation.Directory, ShardSet.PositionsFile);
        if (File.Exists(path) && manifest.WalSeq == 0 && state.Tombstones == 0 && state.LiveCount == manifest.Products)
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == manifest.Products * sizeof(long))
            {
                positions = new long[manifest.Products];
                for (int i = 0; i < positions.Length; i++) positions[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8));
            }
        }
        _positions = positions;
        _positionsRead = true;
        return positions;
    }
}
