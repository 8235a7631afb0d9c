using ScottPlot;

namespace Que2Engage.Evaluation.Plots;

/// <summary>Shared plot setup and PNG writing for the evaluation plots.</summary>
internal static class PlotFile
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 600;

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Writes the PNG (creating the folder); via a temporary file so a crash never leaves half an image.</summary>
    public static void Save(Plot plot, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Common.AtomicFile.Write(path, temp => plot.SavePng(temp, width, height));
    }

    public static void RequireData<T>(IReadOnlyCollection<T> series, string what)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new InvalidInputException($"nothing to plot: no {what}");
    }
}
