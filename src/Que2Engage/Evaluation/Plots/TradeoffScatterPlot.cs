namespace Que2Engage.Evaluation.Plots;

/// <summary>Relevance ROC-AUC (x) against engagement ROC-AUC (y), one labelled point per model/ablation row —
/// the relevance/engagement trade-off the paper's Table 1 is about.</summary>
public static class TradeoffScatterPlot
{
    public static void Save(string path, string title, IReadOnlyList<(string Name, double RelevanceAuc, double EngagementAuc)> rows)
    {
        PlotFile.RequireData(rows, "rows");
        var plot = PlotFile.Create(title, "relevance ROC-AUC", "engagement ROC-AUC");
        var palette = new ScottPlot.Palettes.Category10();
        int plotted = 0;
        var finite = rows.Where(r => double.IsFinite(r.RelevanceAuc) && double.IsFinite(r.EngagementAuc)).ToList();
        double xMid = finite.Count == 0 ? 0 : (finite.Min(r => r.RelevanceAuc) + finite.Max(r => r.RelevanceAuc)) / 2;
        for (int i = 0; i < rows.Count; i++)
        {
            var (name, x, y) = rows[i];
            if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
            var color = palette.GetColor(i);
            plot.Add.Marker(x, y, ScottPlot.MarkerShape.FilledCircle, 10, color);
            var label = plot.Add.Text(name, x, y);
            label.LabelFontSize = 12;
            label.LabelFontColor = color;
            // Labels point away from the centre so the outermost ones stay inside the plot.
            bool right = x > xMid;
            label.LabelAlignment = right ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.MiddleLeft;
            label.OffsetX = right ? -8 : 8;
            plotted++;
        }
        if (plotted == 0) throw new InvalidInputException("nothing to plot: no row has both AUCs");
        // Generous horizontal margin so the labels right of the points stay inside the plot.
        plot.Axes.Margins(horizontal: 0.35, vertical: 0.15);
        PlotFile.Save(plot, path, 1000, 700);
    }
}
