using Que2Engage.Evaluation;
using Que2Engage.Evaluation.Plots;

namespace Que2Engage.Experiments;

/// <summary>The plots every experiment writes for a set of evaluated models: both ROC curves and the loss curves.</summary>
public static class ExperimentPlots
{
    /// <returns>(title, file name inside <paramref name="dir"/>) of every plot written; plots without data are skipped.</returns>
    public static List<(string Title, string File)> RocAndLoss(string dir,
        IReadOnlyList<(string Name, EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss)> models, string caption)
    {
        var plots = new List<(string, string)>();
        var eng = models.Where(m => m.Result.EngagementScores.Count > 0)
            .Select(m => (m.Name, m.Result.EngagementScores, m.Result.EngagementLabels)).ToList();
        if (eng.Count > 0)
        {
            RocPlot.Save(Path.Combine(dir, "roc_engagement.png"), $"Engagement ROC ({caption})", eng);
            plots.Add(("Engagement ROC", "roc_engagement.png"));
        }
        var rel = models.Where(m => m.Result.RelevanceScores.Count > 0)
            .Select(m => (m.Name, m.Result.RelevanceScores, m.Result.RelevanceLabels)).ToList();
        if (rel.Count > 0)
        {
            RocPlot.Save(Path.Combine(dir, "roc_relevance.png"), $"Relevance ROC, rating 2 vs 0–1 ({caption})", rel);
            plots.Add(("Relevance ROC", "roc_relevance.png"));
        }
        var losses = models.Where(m => m.Loss.Count > 0).Select(m => (m.Name, m.Loss)).ToList();
        if (losses.Count > 0)
        {
            LossCurvePlot.Save(Path.Combine(dir, "loss_curves.png"), "Training loss (training batches)", losses);
            plots.Add(("Training loss", "loss_curves.png"));
        }
        return plots;
    }
}
