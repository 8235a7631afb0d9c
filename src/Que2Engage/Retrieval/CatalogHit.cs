namespace Que2Engage.Retrieval;

/// <summary>One search result as a page shows it: 1-based rank, the product, the fused score and per-source details.</summary>
public sealed record CatalogHit(
    int Rank, CatalogEntry Product, double Score, HitSources Sources,
    float? EbrScore, int? EbrRank, float? LexicalScore, int? LexicalRank);
