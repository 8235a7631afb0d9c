namespace Que2Engage.Retrieval;

/// <summary>One BM25 result: the catalog ordinal (same id space as the vector index), the product id and the BM25 score.</summary>
public readonly record struct LexicalHit(int Ordinal, string ProductId, float Score);
