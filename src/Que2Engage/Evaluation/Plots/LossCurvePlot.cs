namespace Que2Engage.Evaluation.Plots;

/// <summary>Training loss against step for several models.</summary>
public static class LossCurvePlot
{
    public static void Save(string path, string title, IReadOnlyList<(string Name, IReadOnlyList<(double Step, double Loss)> Points)> models)
    {
        PlotFile.RequireData(models, "models");
        var plot = PlotFile.Create(title, "step", "loss");
        foreach (var (name, points) in models)
        {
            var finite = points.Where(p => double.IsFinite(p.Step) && double.IsFinite(p.Loss)).OrderBy(p => p.Step).ToArray();
            if (finite.Length == 0) continue;
            var line = plot.Add.Scatter(finite.Select(p => p.Step).ToArray(), finite.Select(p => p.Loss).ToArray());
            line.LegendText = name;
            line.MarkerSize = finite.Length == 1 ? 5 : 0;
            line.LineWidth = 2;
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        PlotFile.Save(plot, path);
    }
}
