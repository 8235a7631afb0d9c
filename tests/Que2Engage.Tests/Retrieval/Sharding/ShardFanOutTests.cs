using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Tests.Retrieval.Sharding;

public class ShardFanOutTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);
    private readonly List<CatalogIndex> _shards = [];

    public ShardFanOutTests()
    {
        var dir = Path.Combine(_root, "sharded");
        ShardSet.Build(TestCatalog.Generated(120, seed: 9), _model, dir, 2, new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        for (int s = 0; s < 2; s++) _shards.Add(CatalogIndex.Open(ShardSet.ShardDirectory(dir, s)));
    }

    public void Dispose()
    {
        foreach (var s in _shards) s.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private sealed class Broken(string name, Func<CancellationToken, Task<ShardCandidates>> answer) : IShardReplica
    {
        public int Calls;
        public string Name { get; } = name;
        public Task<ShardCandidates> SearchAsync(ShardQuery query, CancellationToken ct) { Interlocked.Increment(ref Calls); return answer(ct); }
        public async Task<LexicalStatistics> StatisticsAsync(string query, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            await answer(ct);   // fails or hangs like the search
            throw new InvalidOperationException("unreachable in these tests");
        }
    }

    private static Broken Dead(string name) => new(name, _ => Task.FromException<ShardCandidates>(new IOException("connection refused")));
    private static Broken Hanging(string name) => new(name, ct => Task.Delay(Timeout.Infinite, ct).ContinueWith<ShardCandidates>(_ => throw new TimeoutException()));

    private static readonly FanOutOptions Fast = new()
    {
        Deadline = TimeSpan.FromSeconds(20), AttemptTimeout = TimeSpan.FromSeconds(2), SuspectFor = TimeSpan.FromMinutes(1), ProbeInterval = TimeSpan.FromMinutes(1),
    };

    private float[] V(string q) => _shards[0].EmbedQuery(_model, q);

    [Fact]
    public async Task ADeadOrHangingReplicaIsReplacedByTheOtherOne()
    {
        var dead = Dead("0@a");
        var hanging = Hanging("1@a");
        var complete = new ShardFanOut(new StaticShardRoutes([[new LocalShardReplica("0@b", _shards[0])], [new LocalShardReplica("1@b", _shards[1])]]));
        var fanOut = new ShardFanOut(new StaticShardRoutes([[dead, new LocalShardReplica("0@b", _shards[0])], [hanging, new LocalShardReplica("1@b", _shards[1])]]), Fast);
        for (int i = 0; i < 6; i++)
        {
            var r = await fanOut.SearchAsync("red sofa", V("red sofa"), 10, SearchMode.Hybrid);
            Assert.False(r.Partial, $"query {i}: shards {string.Join(",", r.MissingShards)} missing; dead {dead.Calls}, hanging {hanging.Calls} calls");
            ClusterAssert.SameRanking((await complete.SearchAsync("red sofa", V("red sofa"), 10, SearchMode.Hybrid)).Hits, r.Hits);
        }
        // Each broken replica was tried once, then suspected and left alone (the probe interval is a minute).
        Assert.Equal(1, dead.Calls);
        Assert.Equal(1, hanging.Calls);
        Assert.Equal(2, fanOut.FailedAttempts);
    }

    /// <summary>Issue #24 item 8: health counts the replicas that answer, not the ones the routes still list.</summary>
    [Fact]
    public async Task ReachableReplicasLeaveOutAReplicaWhoseLastCallFailedUntilItAnswersAgain()
    {
        bool down = true;
        var flaky = new Broken("0@a", ct => down ? Task.FromException<ShardCandidates>(new IOException("connection refused"))
            : _shards[0].SearchShardAsync(ShardQuery.For("bike", V("bike"), 5, SearchMode.Ebr, new FusionOptions()), ct));
        // Suspicion expires at once: the count must not come back while the replica is still down.
        var fanOut = new ShardFanOut(new StaticShardRoutes([[flaky, new LocalShardReplica("0@b", _shards[0])], [new LocalShardReplica("1@a", _shards[1])]]),
            Fast with { SuspectFor = TimeSpan.FromMilliseconds(1), ProbeInterval = TimeSpan.FromMilliseconds(1) });
        Assert.Equal([2, 1], new[] { fanOut.ReachableReplicas(0), fanOut.ReachableReplicas(1) });
        for (int i = 0; i < 10 && flaky.Calls == 0; i++) await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr);
        Assert.True(flaky.Calls > 0);
        await Task.Delay(20);
        Assert.Equal([1, 1], new[] { fanOut.ReachableReplicas(0), fanOut.ReachableReplicas(1) });

        down = false;
        for (int i = 0; i < 20 && fanOut.ReachableReplicas(0) < 2; i++) await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr);
        Assert.Equal(2, fanOut.ReachableReplicas(0));
    }

    [Fact]
    public async Task ClusterHealthAndTheReplicaGaugeCountReachableReplicas()
    {
        var fanOut = new ShardFanOut(new StaticShardRoutes([[Dead("0@a"), new LocalShardReplica("0@b", _shards[0])], [new LocalShardReplica("1@b", _shards[1])]]), Fast);
        await using var app = Que2Engage.Cluster.ClusterFrontEnd.Build(fanOut, _model, () => 120, new Que2Engage.Serving.SearchServerOptions { Port = 0 });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Assert.Contains("\"replicas\":[2,1]", await http.GetStringAsync("/healthz"));
        for (int i = 0; i < 2; i++) Assert.False((await fanOut.SearchAsync("red sofa", V("red sofa"), 5, SearchMode.Ebr)).Partial);
        Assert.Contains("\"replicas\":[1,1]", await http.GetStringAsync("/healthz"));
        Assert.Contains("q2e_cluster_replicas{shard=\"0\"} 1", await http.GetStringAsync("/metrics"));
        await app.StopAsync();
    }

    [Fact]
    public async Task AShardWithNoLiveReplicaIsNamedAndTheRestAnswer()
    {
        var fanOut = new ShardFanOut(new StaticShardRoutes([[new LocalShardReplica("0@a", _shards[0])], [Dead("1@a"), Hanging("1@b")]]), Fast);
        var r = await fanOut.SearchAsync("oak table", V("oak table"), 10, SearchMode.Ebr);
        Assert.True(r.Partial);
        Assert.Equal([1], r.MissingShards);
        Assert.Equal(10, r.Hits.Count);
        Assert.All(r.Hits, h => Assert.Equal(0, ShardSet.ShardOf(h.Product.ProductId, 2)));

        var none = new ShardFanOut(new StaticShardRoutes([[], []]), Fast);
        var empty = await none.SearchAsync("oak table", V("oak table"), 10, SearchMode.Ebr);
        Assert.Equal([0, 1], empty.MissingShards);
        Assert.Empty(empty.Hits);
    }

    [Fact]
    public async Task ARecoveredReplicaIsUsedAgainAfterItsProbe()
    {
        bool down = true;
        var flaky = new Broken("0@a", ct => down ? Task.FromException<ShardCandidates>(new IOException("down")) : _shards[0].SearchShardAsync(ShardQuery.For("bike", V("bike"), 5, SearchMode.Ebr, new FusionOptions()), ct));
        var fanOut = new ShardFanOut(new StaticShardRoutes([[flaky], [new LocalShardReplica("1@a", _shards[1])]]),
            Fast with { ProbeInterval = TimeSpan.FromMilliseconds(1) });
        Assert.Equal([0], (await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr)).MissingShards);
        down = false;
        await Task.Delay(20);
        Assert.False((await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr)).Partial);
    }

    [Fact]
    public async Task AnOnlyReplicaThatFailsAtOnceAfterBeingHealthyIsAskedAgainAfterAPause()
    {
        // What a live replica looks like to the front end while its calls still go through a dead silo's gateway.
        int failures = 2;
        var hiccup = new Broken("0@a", ct => Interlocked.Decrement(ref failures) >= 0
            ? Task.FromException<ShardCandidates>(new IOException("gateway connection closed"))
            : _shards[0].SearchShardAsync(ShardQuery.For("bike", V("bike"), 5, SearchMode.Ebr, new FusionOptions()), ct));
        var fanOut = new ShardFanOut(new StaticShardRoutes([[hiccup], [new LocalShardReplica("1@a", _shards[1])]]), Fast);
        var r = await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr);
        Assert.False(r.Partial);
        Assert.Equal(3, hiccup.Calls);   // two passes failed, the first retry after a pause answered
    }

    [Fact]
    public async Task AKnownDeadOnlyReplicaGetsNoPausedRetries()
    {
        var dead = Dead("0@a");
        var fanOut = new ShardFanOut(new StaticShardRoutes([[dead], [new LocalShardReplica("1@a", _shards[1])]]), Fast);
        Assert.Equal([0], (await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr)).MissingShards);
        Assert.Equal(2 + Fast.RetryBackoff.Count, dead.Calls);   // healthy until then: both passes and every paused retry
        Assert.Equal([0], (await fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr)).MissingShards);
        Assert.Equal(2 + Fast.RetryBackoff.Count + 1, dead.Calls);   // suspected: the second pass's one try, no pauses
        var hanging = Hanging("0@b");
        var slow = new ShardFanOut(new StaticShardRoutes([[hanging], [new LocalShardReplica("1@a", _shards[1])]]), Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(50) });
        Assert.Equal([0], (await slow.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr)).MissingShards);
        Assert.Equal(2, hanging.Calls);   // timeouts are not retried after a pause
    }

    [Fact]
    public async Task AUserErrorFailsTheQuery()
    {
        var bad = new Broken("0@a", _ => Task.FromException<ShardCandidates>(new InvalidInputException("k must be at least 1")));
        var fanOut = new ShardFanOut(new StaticShardRoutes([[bad], [new LocalShardReplica("1@a", _shards[1])]]), Fast);
        await Assert.ThrowsAsync<InvalidInputException>(() => fanOut.SearchAsync("bike", V("bike"), 5, SearchMode.Ebr));
    }
}
