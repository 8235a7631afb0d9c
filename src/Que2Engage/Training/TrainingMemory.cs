using Que2Engage.Common;
using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Training;

/// <summary>
/// A lower bound of one training step's memory, checked before training starts (<see cref="MemoryBudget"/>). Counted
/// (float32): the activations every transformer layer keeps for the backward pass — per token about 4·d_model (the
/// attention projections and output) plus the ffn width, and per sequence heads·T² attention weights — and the B×B
/// similarity matrices of the in-batch softmax (logits, their softmax and gradient, masks). The real peak is higher
/// (optimizer state, allocator slack), so a refusal is certain; BENCHMARKS.md has measured peaks for the presets.
/// </summary>
public static class TrainingMemory
{
    public static double LowerBoundBytes(ModelConfig c, ITrainingObjective objective)
    {
        double docTokens = c.DocMaxTokens + c.MaxImages + 2;            // text + image tokens + context/CLS tokens
        int docLayers = c.Kind == ModelKind.Que2Engage ? c.TextLayers + c.FusionLayers : c.Que2SearchTextLayers;
        double Tower(double tokens, int layers) => layers * (tokens * (4.0 * c.DModel + c.Ffn) + c.Heads * tokens * tokens);
        double documents = objective.DocumentsPerExample;               // mixed batches also encode a hard negative per row
        double perExample = 4 * (Tower(c.QueryMaxTokens, c.QueryLayers) + documents * Tower(docTokens, docLayers));
        double b = c.BatchSize;
        return b * perExample + 4.0 * 4 * b * b * documents;
    }

    /// <summary>Refuses a batch/model size whose step cannot fit in memory, naming the batch size.</summary>
    public static void Check(ModelConfig config, ITrainingObjective objective) =>
        MemoryBudget.Require(LowerBoundBytes(config, objective), $"ModelConfig.BatchSize {config.BatchSize} (one training step of this model)",
            "use a smaller ModelConfig.BatchSize or a smaller model", "ModelConfig.BatchSize");
}
