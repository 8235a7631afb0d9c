namespace Que2Engage.Evaluation.Plots;

/// <summary>ROC curves of several models for one task on one plot, with the chance diagonal; legend shows AUC.</summary>
public static class RocPlot
{
    public static void Save(string path, string title, IReadOnlyList<(string Name, IReadOnlyList<double> Scores, IReadOnlyList<bool> Labels)> models)
    {
        PlotFile.RequireData(models, "models");
        var plot = PlotFile.Create(title, "False positive rate", "True positive rate");
        var diagonal = plot.Add.Scatter(new double[] { 0, 1 }, new double[] { 0, 1 });
        diagonal.LegendText = "chance";
        diagonal.LinePattern = ScottPlot.LinePattern.Dashed;
        diagonal.MarkerSize = 0;
        diagonal.Color = ScottPlot.Colors.Gray;
        foreach (var (name, scores, labels) in models)
        {
            var curve = RocCurve.Thin(RocCurve.Compute(scores, labels));
            if (curve.Count == 0) continue; // one class empty: no curve exists
            var line = plot.Add.Scatter(curve.Select(p => p.FalsePositiveRate).ToArray(), curve.Select(p => p.TruePositiveRate).ToArray());
            line.LegendText = $"{name} (AUC {RocAuc.Compute(scores, labels):F3})";
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        PlotFile.Save(plot, path);
    }
}
