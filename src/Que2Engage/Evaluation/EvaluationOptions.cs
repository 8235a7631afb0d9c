using Que2Engage.Retrieval;

namespace Que2Engage.Evaluation;

/// <summary>Knobs of <see cref="Evaluator.Evaluate"/>.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Cap on distinct queries used for the retrieval metrics (recall, NDCG, expected engagement); larger
    /// query sets are sampled with <see cref="Seed"/>. The two AUCs always use every pair.</summary>
    public int MaxQueries { get; init; } = 1000;

    /// <summary>Cut-offs for recall@k. 10 and 100 feed <see cref="EvaluationResult.RecallAt10"/>/<see cref="EvaluationResult.RecallAt100"/>.</summary>
    public int[] RecallKs { get; init; } = [10, 100];

    public int Seed { get; init; } = 1;

    /// <summary>How many queries/products to embed per model call.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Builds the vector index searched over the (normalised) catalogue embeddings, in catalogue order; null =
    /// exact brute-force top-k (<see cref="VectorIndexKind.Flat"/>'s batch search).</summary>
    public Func<float[][], IVectorIndex>? SearchFactory { get; init; }

    /// <summary>
    /// For a model with the engagement prior: also measure every metric at these query weights w (see
    /// <see cref="EngagementWeightPoint"/>); empty = only at the model's own weight. Ignored for other models.
    /// </summary>
    public double[] EngagementWeights { get; init; } = [];

    /// <summary>Also score the rated pairs with BM25 and with the hybrid RRF of BM25 and the model's vectors
    /// (<see cref="LexicalBaselines"/>; <see cref="EvaluationResult.Lexical"/>).</summary>
    public bool LexicalBaselines { get; init; }
}
