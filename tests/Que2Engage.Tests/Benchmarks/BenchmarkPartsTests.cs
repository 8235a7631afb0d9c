using Que2Engage.Benchmarks;

namespace Que2Engage.Tests.Benchmarks;

/// <summary>The latency benchmarks' parts: generated queries, percentiles, the per-thread CPU clock.</summary>
public sealed class BenchmarkPartsTests
{
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
