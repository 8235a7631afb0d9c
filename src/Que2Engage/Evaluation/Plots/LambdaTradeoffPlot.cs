namespace Que2Engage.Evaluation.Plots;

/// <summary>How the multitask weight trades relevance for engagement: relevance and engagement ROC-AUC as lines
/// against λ (e.g. the engagement-loss weight λ2).</summary>
public static class LambdaTradeoffPlot
{
    public static void Save(string path, string title, IReadOnlyList<(double Lambda, double RelevanceAuc, double EngagementAuc)> points,
        string lambdaLabel = "λ2 (engagement loss weight)")
    {
        PlotFile.RequireData(points, "points");
        var sorted = points.OrderBy(p => p.Lambda).ToArray();
        var plot = PlotFile.Create(title, lambdaLabel, "ROC-AUC");
        foreach (var (name, select) in new (string, Func<(double Lambda, double RelevanceAuc, double EngagementAuc), double>)[]
                 { ("relevance ROC-AUC", p => p.RelevanceAuc), ("engagement ROC-AUC", p => p.EngagementAuc) })
        {
            var finite = sorted.Where(p => double.IsFinite(select(p))).ToArray();
            if (finite.Length == 0) continue;
            var line = plot.Add.Scatter(finite.Select(p => p.Lambda).ToArray(), finite.Select(select).ToArray());
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        PlotFile.Save(plot, path);
    }
}
