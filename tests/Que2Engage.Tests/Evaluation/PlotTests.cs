using Que2Engage.Evaluation.Plots;

namespace Que2Engage.Tests.Evaluation;

public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-plots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private void AssertPng(string path)
    {
        Assert.True(File.Exists(path), path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.False(File.Exists(path + ".tmp.png"));
    }

    private static (double[] Scores, bool[] Labels) Sample(int seed, double shift)
    {
        var rng = new Random(seed);
        bool[] labels = Enumerable.Range(0, 400).Select(_ => rng.NextDouble() < 0.3).ToArray();
        double[] scores = labels.Select(l => rng.NextDouble() + (l ? shift : 0)).ToArray();
        return (scores, labels);
    }

    [Fact]
    public void RocCurvesForSeveralModels()
    {
        var a = Sample(1, 0.1);
        var b = Sample(2, 0.5);
        string path = Path.Combine(_dir, "roc_engagement.png");
        RocPlot.Save(path, "Engagement ROC", [("Que2Search", a.Scores, a.Labels), ("Que2Engage", b.Scores, b.Labels)]);
        AssertPng(path);
    }

    [Fact]
    public void ScoreDistributions()
    {
        var a = Sample(3, 0.3);
        string path = Path.Combine(_dir, "scores.png");
        ScoreDistributionPlot.Save(path, "Engagement score distribution", a.Scores, a.Labels);
        AssertPng(path);
    }

    [Fact]
    public void LossCurves()
    {
        string path = Path.Combine(_dir, "loss.png");
        LossCurvePlot.Save(path, "Training loss",
        [
            ("Que2Search", Enumerable.Range(0, 50).Select(i => ((double)i, 3.0 * Math.Exp(-i / 10.0) + 0.5)).ToList()),
            ("Que2Engage", Enumerable.Range(0, 50).Select(i => ((double)i, 2.5 * Math.Exp(-i / 15.0) + 0.7)).ToList()),
        ]);
        AssertPng(path);
    }

    [Fact]
    public void MetricBarsWithErrorBarsIncludingAnUnavailableRow()
    {
        string path = Path.Combine(_dir, "bars.png");
        MetricBarPlot.Save(path, "engagement ROC-AUC", [("Que2Search", 0.55, 0.01), ("Que2Engage w/ multitask", 0.61, 0.02), ("broken", double.NaN, double.NaN)]);
        AssertPng(path);
    }

    [Fact]
    public void TradeoffScatterAndLambdaLine()
    {
        string scatter = Path.Combine(_dir, "tradeoff.png");
        TradeoffScatterPlot.Save(scatter, "Relevance vs engagement", [("Que2Search", 0.80, 0.55), ("Que2Engage", 0.78, 0.62)]);
        AssertPng(scatter);
        string lambda = Path.Combine(_dir, "lambda.png");
        LambdaTradeoffPlot.Save(lambda, "λ trade-off", [(0.0, 0.80, 0.55), (0.2, 0.79, 0.60), (0.5, 0.75, 0.63)]);
        AssertPng(lambda);
    }

    [Fact]
    public void NothingToPlotIsAUserError()
    {
        Assert.Throws<InvalidInputException>(() => RocPlot.Save(Path.Combine(_dir, "x.png"), "t", []));
        Assert.Throws<InvalidInputException>(() => TradeoffScatterPlot.Save(Path.Combine(_dir, "y.png"), "t", [("a", double.NaN, 0.5)]));
    }
}
