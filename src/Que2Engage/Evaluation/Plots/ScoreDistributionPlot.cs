using ScottPlot.Statistics;

namespace Que2Engage.Evaluation.Plots;

/// <summary>Overlaid histograms (as fractions of each class) of the model score for positives vs negatives, e.g.
/// engaged vs shown-not-engaged impressions.</summary>
public static class ScoreDistributionPlot
{
    public static void Save(string path, string title, IReadOnlyList<double> scores, IReadOnlyList<bool> labels,
        string positiveName = "engaged", string negativeName = "not engaged", int bins = 40)
    {
        PlotFile.RequireData(scores, "scores");
        if (scores.Count != labels.Count) throw new InvalidInputException($"scores ({scores.Count}) and labels ({labels.Count}) differ in length");
        if (bins < 1) throw new InvalidInputException($"bins must be ≥ 1 (was {bins})");
        double min = scores.Min(), max = scores.Max();
        if (max <= min) max = min + 1e-6;

        var plot = PlotFile.Create(title, "score κ(q, d)", "fraction of pairs");
        foreach (var (wanted, name) in new[] { (true, positiveName), (false, negativeName) })
        {
            var values = scores.Where((_, i) => labels[i] == wanted).ToArray();
            if (values.Length == 0) continue;
            var histogram = Histogram.WithBinCount(bins, min, max);
            histogram.AddRange(values);
            double[] fractions = histogram.Counts.Select(c => (double)c / values.Length).ToArray();
            var bars = plot.Add.Bars(histogram.Bins, fractions);
            bars.LegendText = $"{name} (n={values.Length})";
            double width = histogram.FirstBinSize;
            foreach (var bar in bars.Bars)
            {
                bar.Size = width;
                bar.FillColor = bar.FillColor.WithAlpha(0.5);
                bar.LineWidth = 0;
            }
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        PlotFile.Save(plot, path);
    }
}
