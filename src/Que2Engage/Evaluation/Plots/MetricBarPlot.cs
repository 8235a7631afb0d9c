using ScottPlot;

namespace Que2Engage.Evaluation.Plots;

/// <summary>One metric across ablation rows: a bar per row at its mean with a ±std error bar. Rows whose mean is
/// NaN (metric unavailable) get no bar and an "n/a" tick label.</summary>
public static class MetricBarPlot
{
    public static void Save(string path, string metricTitle, IReadOnlyList<(string Name, double Mean, double Std)> rows)
    {
        PlotFile.RequireData(rows, "rows");
        var plot = PlotFile.Create(metricTitle, "", metricTitle);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var labels = new string[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var (name, mean, std) = rows[i];
            labels[i] = double.IsFinite(mean) ? name : name + " (n/a)";
            if (!double.IsFinite(mean)) continue;
            bars.Add(new Bar
            {
                Position = i,
                Value = mean,
                Error = double.IsFinite(std) ? std : 0,
                FillColor = palette.GetColor(i),
            });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(), labels);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        // Rotated row names need room below the axis; the paper's row names are up to ~45 characters.
        plot.Axes.Bottom.MinimumSize = 200;
        plot.Axes.Right.MinimumSize = 260;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsX(-0.6, rows.Count - 0.4);
        PlotFile.Save(plot, path, 1000, 800);
    }
}
