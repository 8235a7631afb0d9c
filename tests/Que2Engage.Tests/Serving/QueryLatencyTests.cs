using Que2Engage.Modeling;
using Que2Engage.Serving;
using TorchSharp;

namespace Que2Engage.Tests.Serving;

/// <summary>The single-query fast path (padding only to the batch's longest query) and the latency benchmark's parts.</summary>
public sealed class QueryLatencyTests
{
    private static ModelConfig Tiny() => new()
    {
        DModel = 16, Heads = 2, Ffn = 32, QueryLayers = 2, FusionLayers = 1, Dim = 8, QueryMaxTokens = 16, DocMaxTokens = 12,
        Tokenizer = new() { VocabSize = 256, TrigramBuckets = 256 },
    };

    [Fact]
    public void AQueryEmbedsTheSameAloneAsInABatchPaddedForALongerQuery()
    {
        torch.manual_seed(3);
        using var model = new TwoTowerModel(Tiny(), new ContextStatistics());
        const string longQuery = "vintage red leather three seater chesterfield sofa with matching footstool";
        Assert.Equal(16, model.Featurizer.Query(longQuery).Tokens.Count(t => t != 0));   // fills the budget
        string[] shortQueries = ["sofa", "red bike", "oak dining table"];
        var batch = model.EmbedQueries([longQuery, .. shortQueries]);
        for (int i = 0; i < shortQueries.Length; i++)
        {
            var alone = model.EmbedQuery(shortQueries[i]);
            Assert.All(Enumerable.Range(0, alone.Length), d => Assert.Equal(batch[i + 1][d], alone[d], 5));
        }
        Assert.NotEqual(batch[0], batch[1]);
    }

    [Fact]
    public void ShortQueriesAreFeaturisedWithoutTrailingPadding()
    {
        var featurizer = new Featurizer(Tiny(), new ContextStatistics());
        using var scope = torch.NewDisposeScope();
        var inputs = featurizer.ToTensors([featurizer.Query("red bike"), featurizer.Query("sofa")]);
        var longest = featurizer.Query("red bike").Tokens.Count(t => t != 0);   // [CLS] red bike [SEP]
        Assert.Equal(new long[] { 2, longest }, inputs.Tokens.shape);
        Assert.Equal(new long[] { 1, 1 }, featurizer.ToTensors([new QueryFeatures([0, 0, 0], [])]).Tokens.shape);
    }

    [Fact]
    public void BenchmarkQueriesAreVariedAndDeterministic()
    {
        var a = BenchmarkQueries.Generate(2000, seed: 7);
        Assert.Equal(a, BenchmarkQueries.Generate(2000, seed: 7));
        Assert.NotEqual(a, BenchmarkQueries.Generate(2000, seed: 8));
        Assert.True(a.Distinct().Count() > 1500, $"only {a.Distinct().Count()} distinct queries");
        var wordCounts = a.Select(q => q.Split(' ').Length).ToHashSet();
        Assert.Contains(1, wordCounts);
        Assert.Contains(5, wordCounts);
        Assert.All(a, q => Assert.False(string.IsNullOrWhiteSpace(q)));
    }

    [Fact]
    public void LatencySummaryUsesNearestRankPercentiles()
    {
        var s = LatencySummary.From(Enumerable.Range(1, 200).Select(i => (double)i).Reverse().ToList());
        Assert.Equal(100, s.P50Ms);
        Assert.Equal(180, s.P90Ms);
        Assert.Equal(198, s.P99Ms);
        Assert.Equal(200, s.MaxMs);
        Assert.Equal(100.5, s.MeanMs, 9);
        Assert.Equal(7, LatencySummary.From([7.0]).P99Ms);
        Assert.Throws<ArgumentException>(() => LatencySummary.From([]));
    }

    [Fact]
    public void ThreadCpuClockAdvancesWithWork()
    {
        if (!ThreadCpuClock.IsAvailable) { Assert.True(double.IsNaN(ThreadCpuClock.NowMs())); return; }
        double start = ThreadCpuClock.NowMs();
        double x = 0;
        for (int i = 0; i < 20_000_000; i++) x += Math.Sqrt(i);
        double used = ThreadCpuClock.NowMs() - start;
        Assert.True(used > 0 && x > 0, $"thread CPU time did not advance ({used} ms)");
    }
}
