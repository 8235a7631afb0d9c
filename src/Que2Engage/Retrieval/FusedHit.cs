namespace Que2Engage.Retrieval;

/// <summary>
/// One merged result: the catalog ordinal, the fused score, which retrievers found it, and each retriever's own
/// score and 1-based rank (null when that retriever did not return it).
/// </summary>
public sealed record FusedHit(
    int Ordinal, double Score, HitSources Sources,
    float? EbrScore, int? EbrRank, float? LexicalScore, int? LexicalRank);
