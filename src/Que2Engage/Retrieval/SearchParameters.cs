namespace Que2Engage.Retrieval;

/// <summary>
/// Per-query knobs of a vector search. <see cref="Ef"/> is HNSW's candidate-list size (larger = better recall,
/// slower); null uses the index's default. Exact indexes ignore it.
/// </summary>
public sealed record SearchParameters(int? Ef = null);
