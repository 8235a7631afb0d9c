namespace Que2Engage.Retrieval.Sharding;

/// <summary>
/// One candidate of one shard's retriever: the listing, the retriever's own score (cosine or BM25) and the listing's
/// position in the catalog the shards were cut from (<see cref="ShardSet.PositionsFile"/>; long.MaxValue when unknown),
/// which ranks equal scores as one index would.
/// </summary>
public sealed record ShardCandidate(CatalogEntry Entry, float Score, long Position = long.MaxValue);

/// <summary>
/// A shard's answer to a <see cref="ShardQuery"/>: its top vector candidates and its top BM25 candidates (each best
/// first, each up to the depth asked), unfused, so the front end can merge every shard's lists before fusing once.
/// </summary>
public sealed record ShardCandidates(IReadOnlyList<ShardCandidate> Vector, IReadOnlyList<ShardCandidate> Lexical);

/// <summary>
/// What the front end asks every shard: the query text (BM25), its embedding (computed once, by the front end),
/// how many candidates of each retriever to return (0 = that retriever is not asked), HNSW ef, the filter, and the
/// whole catalog's BM25 statistics for the query's terms (null: the shard scores with its own).
/// </summary>
public sealed record ShardQuery(string Text, float[]? Vector, int VectorDepth, int LexicalDepth, int? Ef = null, SearchFilter? Filter = null,
    LexicalStatistics? Statistics = null)
{
    /// <summary>The depths the single-node <see cref="HybridSearcher"/> uses for <paramref name="mode"/>: k for one retriever, k × the candidate multiplier for each in hybrid.</summary>
    public static ShardQuery For(string text, float[]? vector, int k, SearchMode mode, FusionOptions fusion, int? ef = null, SearchFilter? filter = null)
    {
        VectorIndexExtensions.CheckK(k);
        int depth = (int)Math.Min(int.MaxValue, (long)k * fusion.CandidateMultiplier);
        return mode switch
        {
            SearchMode.Ebr => new ShardQuery(text, vector, k, 0, ef, filter),
            SearchMode.Lexical => new ShardQuery(text, null, 0, k, ef, filter),
            _ => new ShardQuery(text, vector, depth, depth, ef, filter),
        };
    }
}
