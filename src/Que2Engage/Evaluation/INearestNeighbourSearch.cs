namespace Que2Engage.Evaluation;

/// <summary>A catalogue position and its similarity to the query.</summary>
public readonly record struct ScoredIndex(int Index, float Score);

/// <summary>
/// The one thing evaluation needs from a vector index: the k catalogue rows most similar (by dot product of
/// normalised embeddings) to a query, best first. Implementations must be safe for concurrent Search calls.
/// The evaluator defaults to <see cref="ExactTopKSearch"/>; the retrieval package's indexes can be plugged in
/// through <see cref="EvaluationOptions.SearchFactory"/>.
/// </summary>
public interface INearestNeighbourSearch
{
    IReadOnlyList<ScoredIndex> Search(float[] query, int k);

    /// <summary>Several queries at once; implementations may share work across them (the default does not).</summary>
    IReadOnlyList<ScoredIndex>[] SearchBatch(IReadOnlyList<float[]> queries, int k) =>
        queries.Select(q => Search(q, k)).ToArray();
}
