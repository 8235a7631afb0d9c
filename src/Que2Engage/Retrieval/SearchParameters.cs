namespace Que2Engage.Retrieval;

/// <summary>
/// Per-query knobs of a vector search. <see cref="Ef"/> is HNSW's candidate-list size (larger = better recall,
/// slower); null uses the index's default. Exact indexes ignore it. <see cref="Allowed"/>, when set, restricts the
/// hits to those ids (deleted listings and listings a filter rejects are left out of it); the search still returns
/// up to k of them.
/// </summary>
public sealed record SearchParameters(int? Ef = null, OrdinalSet? Allowed = null);
