namespace Que2Engage.Retrieval.Sharding;

/// <summary>
/// Merges the shards' candidate lists into one answer the way a single index would have made it: the union of the
/// shards' vector lists cut to the depth asked is the global vector top list (each shard returned its own top of that
/// depth, and the global top-d holds at most d of any one shard), likewise for BM25; then the same
/// <see cref="ResultFusion"/> as <see cref="HybridSearcher"/>. Equal scores are ordered by catalog position, as a
/// single index orders them (then by product id, for listings without a known position).
/// </summary>
public static class ShardMerge
{
    public static IReadOnlyList<CatalogHit> Merge(IEnumerable<ShardCandidates> shards, int k, SearchMode mode, FusionOptions fusion)
    {
        VectorIndexExtensions.CheckK(k);
        var all = shards.ToList();
        var vector = Top(all.SelectMany(s => s.Vector), mode == SearchMode.Hybrid ? Depth(k, fusion) : k);
        var lexical = Top(all.SelectMany(s => s.Lexical), mode == SearchMode.Hybrid ? Depth(k, fusion) : k);

        // Pseudo-ordinals for ResultFusion: one per distinct listing, in catalog-position order (its tie-breaker).
        var entries = vector.Concat(lexical).DistinctBy(c => c.Entry.ProductId)
            .OrderBy(c => c.Position).ThenBy(c => c.Entry.ProductId, StringComparer.Ordinal).Select(c => c.Entry).ToList();
        var ordinal = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++) ordinal[entries[i].ProductId] = i;
        var vectorHits = vector.Select(c => new VectorHit(ordinal[c.Entry.ProductId], c.Score)).ToList();
        var lexicalHits = lexical.Select(c => new LexicalHit(ordinal[c.Entry.ProductId], c.Entry.ProductId, c.Score)).ToList();

        var fused = mode switch
        {
            SearchMode.Ebr => ResultFusion.FromEbr(vectorHits, k),
            SearchMode.Lexical => ResultFusion.FromLexical(lexicalHits, k),
            _ => ResultFusion.Fuse(vectorHits, lexicalHits, k, fusion),
        };
        return fused.Select((f, i) => new CatalogHit(i + 1, entries[f.Ordinal], f.Score, f.Sources, f.EbrScore, f.EbrRank, f.LexicalScore, f.LexicalRank))
            .ToList();
    }

    private static int Depth(int k, FusionOptions fusion) => (int)Math.Min(int.MaxValue, (long)k * fusion.CandidateMultiplier);

    /// <summary>Best first, equal scores by catalog position; a listing found by two shards (never, unless ids were re-sharded) counts once.</summary>
    private static List<ShardCandidate> Top(IEnumerable<ShardCandidate> candidates, int depth) =>
        candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Position).ThenBy(c => c.Entry.ProductId, StringComparer.Ordinal)
            .DistinctBy(c => c.Entry.ProductId).Take(depth).ToList();
}
