using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Serving;
using Que2Engage.Simulation;
using TorchSharp;
using Que2Engage.Cluster;

namespace Que2Engage.Benchmarks;

public sealed record ClusterBenchmarkOptions
{
    /// <summary>Silo processes; the catalog is cut into as many shards.</summary>
    public int Silos { get; init; } = 3;
    /// <summary>Replicas of each shard (silo i serves shards i … i+R−1 mod N).</summary>
    public int Replicas { get; init; } = 2;
    public int Concurrency { get; init; } = 16;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public int Products { get; init; } = 2000;
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int K { get; init; } = 10;
    public int Threads { get; init; } = 1;
    public ulong Seed { get; init; } = 42;
    /// <summary>The CLI assembly that runs <c>silo</c> (the bench command passes its own).</summary>
    public required string CliDll { get; init; }
}

/// <summary>One side of the comparison: requests answered in the time, failures, partial answers, client-observed latency.</summary>
public sealed record LoadResult(string Setup, int Requests, int Errors, int Partial, double Seconds, double CpuSeconds, LatencySummary Latency)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>
/// <c>bench serve --cluster N</c>: the same simulated catalog (untrained small model, HNSW) served by one process
/// (<see cref="SearchServer"/>) and by N silo processes with R replicas behind an in-process front end
/// (<see cref="ClusterFrontEnd"/>), each loaded by the same clients for the same time on this machine. CPU seconds
/// count the whole process tree (front end and silos).
/// </summary>
public static class ClusterBenchmark
{
    /// <summary>What the cluster run occupied: each silo's resident memory after the load, and the shards' bytes on disk by part.</summary>
    public sealed record Footprint(IReadOnlyList<long> SiloRssBytes, long VectorBytes, long LexicalBytes, long ProductBytes, int Products, int ShardReplicasPerSilo);

    public static async Task<(LoadResult Single, LoadResult Cluster, int Products, int Queries, Footprint Footprint)> RunAsync(ClusterBenchmarkOptions o, Action<string>? log = null)
    {
        if (o.Silos < 1 || o.Silos > 16) throw new InvalidInputException($"--cluster must be in 1..16 silos (got {o.Silos})");
        if (o.Replicas < 1 || o.Replicas > o.Silos) throw new InvalidInputException($"--replicas must be in 1..{o.Silos} (got {o.Replicas})");
        if (o.Concurrency < 1 || o.Concurrency > 1024) throw new InvalidInputException($"--concurrency must be in 1..1024 (got {o.Concurrency})");
        if (o.Products < 100) throw new InvalidInputException($"--products must be ≥ 100 (got {o.Products})");
        string root = Path.Combine(Path.GetTempPath(), "q2e-bench-cluster-" + Guid.NewGuid().ToString("N"));
        var silos = new List<SiloProcess>();
        try
        {
            TorchRuntime.Configure(o.Threads);
            torch.manual_seed((long)o.Seed);
            string dataDir = Path.Combine(root, "data"), single = Path.Combine(root, "index"), sharded = Path.Combine(root, "sharded");
            log?.Invoke($"generating a simulated marketplace of {o.Products:N0} products in {root}…");
            MarketplaceGenerator.Generate(new WorldSettings
            {
                Products = o.Products, Queries = Math.Max(200, o.Products / 4), Sessions = Math.Max(500, o.Products / 2), Seed = o.Seed,
            }, dataDir);
            var dataset = MarketplaceDataset.Load(dataDir);
            var queries = dataset.TrainImpressions.Concat(dataset.EvalImpressions).Select(i => i.Query)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            var config = ModelConfig.Preset("small") with { ImageDim = dataset.ImageDimension ?? 0 };
            using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(dataset.Products));
            model.eval();
            log?.Invoke($"indexing {dataset.Products.Count:N0} products once whole and once in {o.Silos} shards…");
            CatalogIndex.Build(dataset.Products, model, single, new IndexBuildOptions());
            ShardSet.Build(dataset.Products, model, sharded, o.Silos, new IndexBuildOptions());
            string mode = o.Mode.ToWire();
            string Url(int i) => $"/search?q={Uri.EscapeDataString(queries[i % queries.Length])}&k={o.K}&mode={mode}";

            LoadResult singleResult;
            using (var index = CatalogIndex.Open(single))
            {
                await using var app = SearchServer.Build(index, model, new SearchServerOptions { Port = 0 });
                await app.StartAsync();
                log?.Invoke($"single node: {o.Concurrency} clients for {o.Duration.TotalSeconds:F0} s…");
                singleResult = await LoadAsync("1 process", new Uri(app.Urls.Single()), Url, o, () => []);
                await app.StopAsync();
            }

            var ports = Enumerable.Range(0, o.Silos).Select(_ => (Silo: FreePort(), Gateway: FreePort())).ToArray();
            for (int i = 0; i < o.Silos; i++)
            {
                var shards = Enumerable.Range(0, o.Replicas).Select(r => (i + r) % o.Silos);
                var args = new List<string> { "--index", sharded, "--shards", string.Join(',', shards), "--name", $"silo{i}",
                    "--port", $"{ports[i].Silo}", "--gateway-port", $"{ports[i].Gateway}", "--cluster-id", "bench" };
                if (i > 0) args.AddRange(["--primary", $"127.0.0.1:{ports[0].Silo}"]);
                silos.Add(new SiloProcess($"silo{i}", o.CliDll, args));
            }
            log?.Invoke($"starting {o.Silos} silo processes (R = {o.Replicas})…");
            silos[0].Start();
            await Task.WhenAll(silos.Skip(1).Select(s => Task.Run(() => s.Start())));
            using var client = ClusterHosting.BuildClient(new Membership
            {
                ClusterId = "bench", Gateways = ports.Select(p => new IPEndPoint(IPAddress.Loopback, p.Gateway)).ToList(),
            }, TimeSpan.FromSeconds(30));
            await client.StartAsync();
            await using (var routes = new OrleansShardRoutes(client.Services.GetRequiredService<IClusterClient>()))
            {
                await routes.StartAsync(TimeSpan.FromSeconds(30));
                var fanOut = new ShardFanOut(routes);
                await using var front = ClusterFrontEnd.Build(fanOut, model, () => routes.Products, new SearchServerOptions { Port = 0 });
                await front.StartAsync();
                log?.Invoke($"cluster: {o.Concurrency} clients for {o.Duration.TotalSeconds:F0} s…");
                var clusterResult = await LoadAsync($"{o.Silos} silos + front end", new Uri(front.Urls.Single()), Url, o,
                    () => silos.Select(s => s.Process).OfType<Process>());
                var rss = silos.Select(s => s.Process is { HasExited: false } pr ? Rss(pr.Id) : 0).ToList();
                long Bytes(string pattern) => Enumerable.Range(0, o.Silos).Sum(s =>
                {
                    var dir = ShardSet.ShardDirectory(sharded, s);
                    return pattern == "lexical"
                        ? Directory.EnumerateFiles(Path.Combine(dir, IndexManifest.LexicalDirectory)).Sum(f => new FileInfo(f).Length)
                        : new FileInfo(Path.Combine(dir, pattern)).Length;
                });
                var footprint = new Footprint(rss, Bytes(IndexManifest.VectorsFile), Bytes("lexical"), Bytes(IndexManifest.ProductsFile), dataset.Products.Count, o.Replicas);
                await front.StopAsync();
                await client.StopAsync();
                return (singleResult, clusterResult, dataset.Products.Count, queries.Length, footprint);
            }
        }
        finally
        {
            foreach (var s in silos) s.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>VmRSS of a process (Linux), in bytes; 0 elsewhere.</summary>
    private static long Rss(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path)) return 0;
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static double Cpu(Func<IEnumerable<Process>> others)
    {
        double s = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        foreach (var p in others()) { p.Refresh(); s += p.TotalProcessorTime.TotalSeconds; }
        return s;
    }

    /// <summary>Warm-up (5 % of the time, untimed), then <see cref="ClusterBenchmarkOptions.Concurrency"/> clients in a closed loop for the duration.</summary>
    private static async Task<LoadResult> LoadAsync(string setup, Uri baseUri, Func<int, string> url, ClusterBenchmarkOptions o, Func<IEnumerable<Process>> others)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency, UseProxy = false })
        {
            BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30),
        };
        async Task<(int Errors, int Partial, List<double> Ms)> Run(TimeSpan duration, int offset)
        {
            int errors = 0, partial = 0;
            var all = new List<double>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(c => Task.Run(async () =>
            {
                var mine = new List<double>();
                for (int i = offset + c * 7919; clock.Elapsed < duration; i += o.Concurrency)
                {
                    long start = Stopwatch.GetTimestamp();
                    try
                    {
                        using var r = await http.GetAsync(url(i));
                        var body = r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : default;
                        if (!r.IsSuccessStatusCode || !body.TryGetProperty("hits", out _)) Interlocked.Increment(ref errors);
                        else if (body.TryGetProperty("partial", out var p) && p.GetBoolean()) Interlocked.Increment(ref partial);
                    }
                    catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException) { Interlocked.Increment(ref errors); }
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                lock (all) all.AddRange(mine);
            })));
            return (errors, partial, all);
        }
        await Run(TimeSpan.FromSeconds(Math.Max(1, o.Duration.TotalSeconds / 20)), 1);
        double cpu = Cpu(others);
        var wall = Stopwatch.StartNew();
        var (errs, part, ms) = await Run(o.Duration, 0);
        double seconds = wall.Elapsed.TotalSeconds;
        return new LoadResult(setup, ms.Count, errs, part, seconds, Cpu(others) - cpu, LatencySummary.From(ms));
    }
}
