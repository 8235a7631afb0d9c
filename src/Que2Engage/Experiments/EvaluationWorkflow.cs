using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Evaluation.Plots;
using Que2Engage.Modeling;
using Que2Engage.Modeling.Pretrained;

namespace Que2Engage.Experiments;

/// <summary>
/// The evaluation workflow shared by evaluate, demo and ablation: which products to embed (all, or only the judged
/// ones), the model's metrics, the world's oracle rows, and the metrics JSON and plots written from them.
/// </summary>
public static class EvaluationWorkflow
{
    /// <summary>The progress task of the oracle rows when they are computed together (evaluate, demo).</summary>
    public const string OracleRowsTask = "oracle rows";

    /// <summary>"oracle relevance", "oracle engagement": the row name of a world's reference row.</summary>
    public static string OracleRowName(OracleKind kind) => $"oracle {kind.ToString().ToLowerInvariant()}";

    /// <summary>
    /// The products an evaluation embeds: the whole catalogue, or with <paramref name="judgedOnly"/> only those of the
    /// evaluation pairs (eval impressions and rated pairs). Throws when the data holds nothing to evaluate.
    /// </summary>
    public static IReadOnlyList<Product> ProductsToEmbed(MarketplaceDataset data, bool judgedOnly)
    {
        if (data.EvalImpressions.Count == 0 && data.Relevance.Count == 0)
            throw new InvalidInputException($"{data.Directory}: no evaluation data (eval/impressions and eval/relevance are missing or empty); nothing to evaluate");
        if (!judgedOnly) return data.Products;
        var judged = data.EvalImpressions.Select(i => i.ProductId).Concat(data.Relevance.Select(r => r.ProductId)).ToHashSet(StringComparer.Ordinal);
        return data.Products.Where(x => judged.Contains(x.ProductId)).ToList();
    }

    /// <summary>A trained model directory, or the name of a pretrained encoder used as is (<see cref="PretrainedSentenceEncoder.MiniLmModelName"/>).</summary>
    public static IEmbeddingModel LoadModel(string model) =>
        string.Equals(model, PretrainedSentenceEncoder.MiniLmModelName, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(model)
            ? PretrainedSentenceEncoder.LoadMiniLm()
            : ModelStore.Load(model);

    /// <summary>The model's metrics on the held-out data, as one progress task "evaluate".</summary>
    public static EvaluationResult Evaluate(IEmbeddingModel model, MarketplaceDataset data, IReadOnlyList<Product> products,
        IGroundTruth? truth, EvaluationOptions options, IExperimentProgress progress)
    {
        progress.Begin("evaluate", 1);
        return Evaluator.Evaluate(model, products, data.EvalImpressions, data.Relevance, truth, options,
            (stage, fraction) => progress.Report(fraction, stage));
    }

    /// <summary>
    /// The world's reference rows, one per <see cref="OracleKind"/> in declaration order. <paramref name="task"/> names
    /// each row's progress task (default: all under <see cref="OracleRowsTask"/>); a task is begun when the name changes.
    /// </summary>
    public static IReadOnlyDictionary<OracleKind, EvaluationResult> Oracles(IGroundTruth truth, MarketplaceDataset data,
        IReadOnlyList<Product> products, EvaluationOptions options, IExperimentProgress progress, Func<OracleKind, string>? task = null)
    {
        task ??= _ => OracleRowsTask;
        var oracles = new Dictionary<OracleKind, EvaluationResult>();
        string? begun = null;
        foreach (var kind in Enum.GetValues<OracleKind>())
        {
            string name = task(kind);
            if (name != begun) progress.Begin(begun = name, 1);
            oracles[kind] = Evaluator.EvaluateOracle(kind, truth, products, data.EvalImpressions, data.Relevance, options,
                (stage, fraction) => progress.Report(fraction, stage));
        }
        return oracles;
    }

    /// <summary>Writes the metrics JSON (<see cref="EvaluationResult.ToJson"/>), creating its folder.</summary>
    public static void WriteJson(string path, EvaluationResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, result.ToJson());
    }

    /// <summary>Writes one model's ROC curves and score distributions (PNG) to <paramref name="dir"/>; plots without data are skipped.</summary>
    public static void WritePlots(string dir, EvaluationResult result)
    {
        Directory.CreateDirectory(dir);
        if (result.EngagementScores.Count > 0)
        {
            RocPlot.Save(Path.Combine(dir, "roc_engagement.png"), "Engagement ROC", [("model", result.EngagementScores, result.EngagementLabels)]);
            ScoreDistributionPlot.Save(Path.Combine(dir, "scores_engagement.png"), "κ(q,d): engaged vs not", result.EngagementScores, result.EngagementLabels);
        }
        if (result.RelevanceScores.Count > 0)
        {
            RocPlot.Save(Path.Combine(dir, "roc_relevance.png"), "Relevance ROC", [("model", result.RelevanceScores, result.RelevanceLabels)]);
            ScoreDistributionPlot.Save(Path.Combine(dir, "scores_relevance.png"), "κ(q,d): exact vs not", result.RelevanceScores, result.RelevanceLabels, "rating 2", "rating 0–1");
        }
    }
}
