using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Benchmarks;

namespace Que2Engage.Tests.Benchmarks;

/// <summary>The end-to-end serving benchmark on a tiny catalogue: it must build, serve and count every request.</summary>
public sealed class ServingBenchmarkTests
{
    [Fact]
    public async Task ATinyRunServesEveryRequestWithoutErrors()
    {
        var lines = new List<string>();
        var runs = await ServingBenchmark.RunAsync(
            new ServingBenchmarkOptions { Products = 150, Requests = 40, Concurrency = 4, Warmup = 4, WarmupSeconds = 0, Mode = SearchMode.Hybrid }, lines.Add);
        Assert.Equal([true, false], runs.Select(r => r.Batching));
        foreach (var r in runs)
        {
            Assert.Equal(150, r.Products);
            Assert.Equal(0, r.Errors);
            Assert.Equal(40, r.Latency.Count);
            Assert.True(r.Latency.P50Ms > 0 && r.Latency.P50Ms <= r.Latency.P99Ms && r.Latency.P99Ms <= r.Latency.MaxMs);
            Assert.True(r.DistinctQueries > 10, $"{r.DistinctQueries} distinct queries");
            Assert.True(r.RequestsPerSecond > 0);
        }
        Assert.InRange(runs[0].MeanBatchSize, 1, 4); // never more queries in a batch than concurrent clients
        Assert.True(double.IsNaN(runs[1].MeanBatchSize));
        Assert.Contains(lines, l => l.Contains("server on http://127.0.0.1:"));
        var workDir = Assert.Single(lines, l => l.StartsWith("generating")).Split(" in ")[^1].TrimEnd('…');
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "q2e-bench-serve-"), workDir);
        Assert.False(Directory.Exists(workDir), $"{workDir} was left behind");
    }

    [Theory]
    [InlineData(0, 16, 2000, "--requests")]
    [InlineData(10, 0, 2000, "--concurrency")]
    [InlineData(10, 4, 10, "--products")]
    public async Task BadSettingsAreUserErrors(int requests, int concurrency, int products, string named)
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() =>
            ServingBenchmark.RunAsync(new ServingBenchmarkOptions { Requests = requests, Concurrency = concurrency, Products = products }));
        Assert.Contains(named, e.Message);
    }
}
