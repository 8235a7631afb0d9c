using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Que2Engage.Cluster;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Serving;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>serve</c> over a sharded index: <c>--cluster</c> makes this process the stateless front end of Orleans silos
/// (<c>--gateway IP:PORT</c>… or <c>--redis</c>); without it a sharded index directory is served in this one process
/// (every shard opened here, the same fan-out and merge).
/// </summary>
internal static class ServeClusterMode
{
    public static readonly Option<bool> Cluster = new("--cluster") { Description = "Be the front end of an Orleans cluster of silos ('silo') serving the sharded index." };
    public static readonly Option<string[]> Gateways = new("--gateway") { Description = "With --cluster: a silo gateway IP:PORT (repeatable).", AllowMultipleArgumentsPerToken = true };
    public static readonly Option<string?> Redis = new("--redis") { Description = "With --cluster: Redis membership (e.g. 127.0.0.1:6379) instead of --gateway." };
    public static readonly Option<string> ClusterId = new("--cluster-id") { Description = "With --cluster: the silos' cluster id.", DefaultValueFactory = _ => "que2engage" };
    public static readonly Option<int> DeadlineMs = new("--deadline-ms") { Description = "Sharded: a shard with no answer by then is reported missing (partial: true).", DefaultValueFactory = _ => 2000 };

    public static void AddTo(Command serve)
    {
        serve.Options.Add(Cluster);
        serve.Options.Add(Gateways);
        serve.Options.Add(Redis);
        serve.Options.Add(ClusterId);
        serve.Options.Add(DeadlineMs);
    }

    public static bool Applies(ParseResult p, string index) => p.GetValue(Cluster) || ShardSet.IsShardSet(index);

    /// <summary>Fails, saying how to build one, unless <paramref name="index"/> is a sharded index directory.</summary>
    public static void RequireShardSet(string index)
    {
        if (!ShardSet.IsShardSet(index))
            throw new InvalidInputException($"{index}: not a sharded index (no {ShardSetManifest.FileName}); build one with 'index --shards N'.");
    }

    public static int Run(ParseResult p, string index, string? modelArg, ModelLoader loadModel, double? engagementWeight, SearchServerOptions serverOptions)
    {
        if (serverOptions.WriteKey is not null) throw new InvalidInputException("--write-key-file: a sharded index is served read-only; write to a single-node index.");
        RequireShardSet(index);
        var manifest = ShardSetManifest.Read(index);
        var modelDir = modelArg ?? manifest.ModelPath;
        IEmbeddingModel? embedder = modelDir is null ? null : loadModel(modelDir);
        EngagementWeight.Apply(embedder, engagementWeight);
        if (embedder is not null && manifest.ModelId is string built && embedder.Identity is string given && built != given)
            throw new InvalidInputException($"{index}: the shards were built with another model than {modelDir}; use the model they were built with.");
        int ms = p.GetValue(DeadlineMs);
        if (ms < 10) throw new InvalidInputException($"--deadline-ms must be ≥ 10 (got {ms}).");
        var fanOutOptions = new FanOutOptions { Deadline = TimeSpan.FromMilliseconds(ms), AttemptTimeout = TimeSpan.FromMilliseconds(Math.Max(5, ms * 3 / 8)) };
        var o = p.InvocationConfiguration.Output;
        var local = new List<CatalogIndex>();
        IHost? client = null;
        OrleansShardRoutes? routes = null;
        try
        {
            ShardFanOut fanOut;
            Func<int> size;
            if (p.GetValue(Cluster))
            {
                var membership = new Membership
                {
                    ClusterId = p.GetValue(ClusterId)!, Redis = p.GetValue(Redis),
                    Gateways = (p.GetValue(Gateways) ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(g => Membership.ParseEndpoint(g, "--gateway")).ToList(),
                };
                client = ClusterHosting.BuildClient(membership, TimeSpan.FromSeconds(30));
                client.StartAsync().GetAwaiter().GetResult();
                routes = new OrleansShardRoutes(client.Services.GetRequiredService<IClusterClient>());
                routes.StartAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                fanOut = new ShardFanOut(routes, fanOutOptions);
                var r = routes;
                size = () => r.Products;
            }
            else
            {
                for (int s = 0; s < manifest.Shards; s++) local.Add(CatalogIndex.Open(ShardSet.ShardDirectory(index, s)));
                fanOut = new ShardFanOut(new StaticShardRoutes(local.Select((x, i) => (IReadOnlyList<IShardReplica>)[new LocalShardReplica($"{i}@local", x)]).ToList()), fanOutOptions);
                size = () => local.Sum(x => x.Count);
            }
            var app = ClusterFrontEnd.Build(fanOut, embedder, size, serverOptions, manifest.Dimension);
            SearchServer.Start(app, serverOptions);
            var live = Enumerable.Range(0, fanOut.Routes.Shards).Count(s => fanOut.Routes.ReplicasOf(s).Count > 0);
            o.WriteLine($"serving {size():N0} products in {manifest.Shards} shards ({live} with a live replica{(p.GetValue(Cluster) ? ", Orleans cluster" : ", in this process")}; " +
                        $"{(embedder is null ? "lexical only: no model" : "hybrid")}) on {string.Join(", ", app.Urls)} — Ctrl+C to stop");
            app.WaitForShutdown();
        }
        finally
        {
            routes?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (client is not null) { client.StopAsync().GetAwaiter().GetResult(); client.Dispose(); }
            foreach (var x in local) x.Dispose();
            (embedder as IDisposable)?.Dispose();
        }
        return 0;
    }
}
