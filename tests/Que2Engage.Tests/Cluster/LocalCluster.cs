using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Que2Engage.Cluster;
using Que2Engage.Modeling;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Serving;

namespace Que2Engage.Tests.Cluster;

/// <summary>Silos serving a sharded index, plus an in-process front end (Orleans client, fan-out, HTTP) on loopback.</summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public readonly List<SiloProcess> Silos = [];
    private IHost? _client;
    private OrleansShardRoutes? _routes;
    private WebApplication? _app;

    public ShardFanOut FanOut { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <param name="assignment">The shards of each silo (silo 0 is the development-clustering primary unless <paramref name="redis"/>).</param>
    public static async Task<LocalCluster> StartAsync(string index, int[][] assignment, IEmbeddingModel model, string? redis = null, string clusterId = "test")
    {
        var c = new LocalCluster();
        try
        {
            var ports = assignment.Select(_ => (Silo: FreePort(), Gateway: FreePort())).ToArray();
            for (int i = 0; i < assignment.Length; i++)
            {
                var args = new List<string> { "--index", index, "--shards", string.Join(',', assignment[i]), "--name", $"silo{i}",
                    "--port", $"{ports[i].Silo}", "--gateway-port", $"{ports[i].Gateway}", "--cluster-id", clusterId };
                if (redis is not null) args.AddRange(["--redis", redis]);
                else if (i > 0) args.AddRange(["--primary", $"127.0.0.1:{ports[0].Silo}"]);
                c.Silos.Add(new SiloProcess($"silo{i}", typeof(Que2Engage.Cli.Program).Assembly.Location, args));
            }
            c.Silos[0].Start();
            await Task.WhenAll(c.Silos.Skip(1).Select(s => Task.Run(() => s.Start())));

            var membership = new Membership
            {
                ClusterId = clusterId, Redis = redis,
                Gateways = redis is null ? ports.Select(p => new IPEndPoint(IPAddress.Loopback, p.Gateway)).ToList() : [],
            };
            c._client = ClusterHosting.BuildClient(membership, TimeSpan.FromSeconds(30));
            await c._client.StartAsync();
            c._routes = new OrleansShardRoutes(c._client.Services.GetRequiredService<IClusterClient>());
            await c._routes.StartAsync(TimeSpan.FromSeconds(30));
            // Generous timeouts: the test checks failover and partial answers, not latency, on a machine that may be busy.
            c.FanOut = new ShardFanOut(c._routes, new FanOutOptions { Deadline = TimeSpan.FromSeconds(20), AttemptTimeout = TimeSpan.FromSeconds(6) });
            var routes = c._routes;
            c._app = ClusterFrontEnd.Build(c.FanOut, model, () => routes.Products, new SearchServerOptions { Port = 0 });
            await c._app.StartAsync();
            c.Http = new HttpClient { BaseAddress = new Uri(c._app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
            return c;
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    public string Logs => string.Join("\n", Silos.Select(s => $"--- {s.Name}\n{s.Log}"));

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_routes is not null) await _routes.DisposeAsync();
        foreach (var s in Silos) s.Dispose();   // before the client, so it does not wait for a graceful goodbye
        if (_client is not null)
        {
            try { await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token); } catch (Exception) { }
            _client.Dispose();
        }
    }
}
