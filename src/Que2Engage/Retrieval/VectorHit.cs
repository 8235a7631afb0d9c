namespace Que2Engage.Retrieval;

/// <summary>One vector-index result: the internal id (insertion order, 0-based) and its inner-product score.</summary>
public readonly record struct VectorHit(int Id, float Score);
