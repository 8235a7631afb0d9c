using System.Diagnostics;
using System.Net.Http.Json;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Cluster;

/// <summary>
/// A fact that needs Debian's redis-server. In CI (env CI set, and .ci/run installs it) it always runs, so a missing
/// server fails; on a developer machine without it the test is reported as skipped.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public static string? ServerPath =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public RedisFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) && ServerPath is null)
            Skip = "redis-server not found (apt-get install redis-server; CI=1 makes this a failure)";
    }
}

/// <summary>Redis membership (Microsoft.Orleans.Clustering.Redis): no primary silo, so any silo may die, even the first one.</summary>
public class RedisClusterTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Answer(bool partial, List<int> missing_shards, List<object> hits);

    [RedisFact]
    public async Task WithRedisMembershipTheFirstSiloCanDieToo()
    {
        var server = RedisFactAttribute.ServerPath ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server)");
        var index = Path.Combine(_root, "sharded");
        ShardSet.Build(TestCatalog.Generated(300, seed: 4), _model, index, 2, new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        int port = LocalCluster.FreePort();
        var start = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        foreach (var a in new[] { "--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) start.ArgumentList.Add(a);
        using var redis = Process.Start(start)!;
        _ = redis.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        _ = redis.StandardError.BaseStream.CopyToAsync(Stream.Null);
        try
        {
            // Wait until Redis accepts connections.
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try { using var probe = new System.Net.Sockets.TcpClient(); await probe.ConnectAsync("127.0.0.1", port); break; }
                catch (System.Net.Sockets.SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(20)) { await Task.Delay(100); }
            }
            await using var cluster = await LocalCluster.StartAsync(index, [[0, 1], [0, 1]], _model, redis: $"127.0.0.1:{port}");
            async Task<Answer> Get(string q) => (await cluster.Http.GetFromJsonAsync<Answer>($"/search?q={Uri.EscapeDataString(q)}&k=5"))!;
            Assert.False((await Get("red sofa")).partial);
            cluster.Silos[0].Kill();
            for (int i = 0; i < 20; i++)
            {
                var a = await Get(i % 2 == 0 ? "red sofa" : "oak table");
                Assert.False(a.partial, $"missing {string.Join(",", a.missing_shards)}\n{cluster.Logs}");
                Assert.Equal(5, a.hits.Count);
            }
        }
        finally
        {
            if (!redis.HasExited) redis.Kill();
            redis.WaitForExit(5000);
        }
    }
}
