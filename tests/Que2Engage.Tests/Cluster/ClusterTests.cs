using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Tests.Retrieval;
using Que2Engage.Tests.Retrieval.Sharding;

namespace Que2Engage.Tests.Cluster;

/// <summary>
/// Orleans silos as separate processes on loopback (development clustering; silo 0 is the primary, which holds the
/// membership table, so the silos killed here are the others) and the front end in this process.
/// </summary>
public class ClusterTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);
    private readonly string _sharded, _single;

    private readonly ITestOutputHelper _output;

    public ClusterTests(ITestOutputHelper output)
    {
        _output = output;
        var products = TestCatalog.Generated(600, seed: 21);
        var options = new IndexBuildOptions { Kind = VectorIndexKind.Flat };
        _sharded = Path.Combine(_root, "sharded");
        _single = Path.Combine(_root, "single");
        ShardSet.Build(products, _model, _sharded, 3, options);
        CatalogIndex.Build(products, _model, _single, options);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>R = 2: silo i serves shards i and i+1.</summary>
    private static readonly int[][] Replicated = [[0, 1], [1, 2], [2, 0]];

    private sealed record Answer(List<Hit> hits, bool partial, List<int> missing_shards, int shards);
    private sealed record Hit(int rank, string product_id, double score, string[] sources, float? ebr_score, int? ebr_rank, float? lexical_score, int? lexical_rank);

    private static CatalogHit ToHit(CatalogIndex single, Hit h) => new(h.rank, single.FindProduct(h.product_id)!, h.score,
        (h.sources.Contains("ebr") ? HitSources.Ebr : HitSources.None) | (h.sources.Contains("lexical") ? HitSources.Lexical : HitSources.None),
        h.ebr_score, h.ebr_rank, h.lexical_score, h.lexical_rank);

    private static async Task<Answer> Get(HttpClient http, string q, string mode = "ebr")
    {
        using var r = await http.GetAsync($"/search?q={Uri.EscapeDataString(q)}&k=10&mode={mode}");
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<Answer>())!;
    }

    [Fact]
    public async Task ThreeSilosAnswerLikeOneIndexAndLosingOneLosesNoRequest()
    {
        await using var cluster = await LocalCluster.StartAsync(_sharded, Replicated, _model);
        using var single = CatalogIndex.Open(_single);

        // 200 queries through HTTP, hybrid and ebr in turn: the same hits, scores and ranks as the single index
        // (flat vectors: exact).
        int n = 0;
        foreach (var q in ShardSetTests.Queries(200))
        {
            var mode = n++ % 2 == 0 ? SearchMode.Hybrid : SearchMode.Ebr;
            var got = await Get(cluster.Http, q, mode.ToWire());
            Assert.False(got.partial);
            var expected = await single.SearchAsync(q, single.EmbedQuery(_model, q), 10, mode);
            ClusterAssert.SameRanking(expected, got.hits.Select(h => ToHit(single, h)).ToList());
        }

        // 8 clients for 20 s; silo 1 is SIGKILLed after 3 s. Every request must succeed with all 3 shards.
        var queries = ShardSetTests.Queries(50).ToArray();
        int ok = 0, failed = 0, partial = 0;
        var until = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            for (int i = c; until.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                try
                {
                    var a = await Get(cluster.Http, queries[i % queries.Length], i % 2 == 0 ? "ebr" : "hybrid");
                    if (a.partial || a.hits.Count != 10) Interlocked.Increment(ref partial);
                    else Interlocked.Increment(ref ok);
                }
                catch (Exception) { Interlocked.Increment(ref failed); }
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(3));
        cluster.Silos[1].Kill();
        await Task.WhenAll(clients);
        Assert.True(failed == 0 && partial == 0, $"{failed} failed, {partial} partial, {ok} complete\n{cluster.Logs}");
        Assert.True(ok > 50, $"only {ok} answers");
    }

    [Fact]
    public async Task ShardedHnswRecallIsWithinOneHundredthOfTheSingleNodeIndex()
    {
        // A small, sparse graph (M 4, ef 12) so that HNSW misses some of the exact top 10 and the comparison means something.
        var products = TestCatalog.Generated(2000, seed: 33);
        var hnsw = new IndexBuildOptions { Kind = VectorIndexKind.Hnsw, M = 4, EfConstruction = 16, DefaultEf = 12 };
        string sharded = Path.Combine(_root, "hnsw-sharded"), single = Path.Combine(_root, "hnsw-single"), exact = Path.Combine(_root, "exact");
        ShardSet.Build(products, _model, sharded, 3, hnsw);
        CatalogIndex.Build(products, _model, single, hnsw);
        CatalogIndex.Build(products, _model, exact, new IndexBuildOptions { Kind = VectorIndexKind.Flat });

        await using var cluster = await LocalCluster.StartAsync(sharded, Replicated, _model);
        using var one = CatalogIndex.Open(single);
        using var truth = CatalogIndex.Open(exact);
        double clusterFound = 0, singleFound = 0, total = 0;
        foreach (var q in ShardSetTests.Queries(200))
        {
            var v = truth.EmbedQuery(_model, q);
            var expected = (await truth.SearchAsync(q, v, 10, SearchMode.Ebr)).Select(h => h.Product.ProductId).ToHashSet();
            var got = await Get(cluster.Http, q);
            Assert.False(got.partial);
            clusterFound += got.hits.Count(h => expected.Contains(h.product_id));
            singleFound += (await one.SearchAsync(q, v, 10, SearchMode.Ebr)).Count(h => expected.Contains(h.Product.ProductId));
            total += expected.Count;
        }
        double clusterRecall = clusterFound / total, singleRecall = singleFound / total;
        Assert.True(singleRecall < 1, $"the single-node graph found every exact neighbour (recall {singleRecall}): the test would not notice a loss");
        Assert.True(clusterRecall >= singleRecall - 0.01, $"cluster recall@10 {clusterRecall:F4} vs single node {singleRecall:F4}");
    }

    /// <summary>
    /// The bounded load test: 16 clients for 20 s against one process, then against 3 silo processes (R = 2) behind the
    /// front end, through the CLI's <c>bench serve --cluster 3</c>. It prints requests/s and p50/p99 of both (test
    /// output); what it asserts is that every request of both setups was answered (no timing assertions here: the
    /// numbers are in BENCHMARKS.md).
    /// </summary>
    [Fact]
    public void BoundedLoadTestServesSixteenClientsOnOneNodeAndOnThreeSilosWithoutErrors()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Que2Engage.Cli.Program.Run(["bench", "serve", "--cluster", "3", "--seconds", "20", "--concurrency", "16",
            "--products", "600", "--mode", "ebr", "--threads", "1"], o, e);
        _output.WriteLine(o.ToString());
        Assert.True(code == 0, $"exit {code}\n{o}\n{e}");
        var rows = o.ToString().Split('\n').Where(l => l.Contains("requests/s")).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Contains("errors 0,", r));
        Assert.All(rows, r => Assert.Matches(@"p50 \d+(\.\d)? ms  p99 \d+(\.\d)? ms", r));
    }

    [Fact]
    public async Task WithoutReplicasAnswersNameTheMissingShardUntilItsSiloReturns()
    {
        await using var cluster = await LocalCluster.StartAsync(_sharded, [[0], [1], [2]], _model);
        Assert.False((await Get(cluster.Http, "red sofa")).partial);

        cluster.Silos[2].Kill();
        Answer? seen = null;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var a = await Get(cluster.Http, "red sofa", "hybrid");
            if (a.partial) { seen = a; break; }
        }
        Assert.NotNull(seen);
        Assert.Equal([2], seen.missing_shards);
        Assert.Equal(3, seen.shards);
        Assert.All(seen.hits, h => Assert.NotEqual(2, ShardSet.ShardOf(h.product_id, 3)));
        Assert.Equal(10, seen.hits.Count);

        cluster.Silos[2].Start();   // the same name and ports: no other process restarts
        bool complete = false;
        clock.Restart();
        while (!complete && clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            complete = !(await Get(cluster.Http, "red sofa")).partial;
            if (!complete) await Task.Delay(200);
        }
        Assert.True(complete, "answers stayed partial after the silo came back\n" + cluster.Logs);
    }
}
