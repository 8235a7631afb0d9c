using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Simulation;
using TorchSharp;

namespace Que2Engage.Serving;

/// <summary>What <see cref="ServingBenchmark.RunAsync"/> builds and fires.</summary>
public sealed record ServingBenchmarkOptions
{
    public int Requests { get; init; } = 2000;
    public int Concurrency { get; init; } = 16;
    /// <summary>Products in the simulated catalogue that is indexed.</summary>
    public int Products { get; init; } = 2000;
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int K { get; init; } = 10;
    /// <summary>Untimed requests first (JIT, connection pool, kernels).</summary>
    public int Warmup { get; init; } = 100;
    /// <summary>libtorch intra-op threads (1: requests already run in parallel; see BENCHMARKS.md).</summary>
    public int Threads { get; init; } = 1;
    public ulong Seed { get; init; } = 42;
}

/// <summary>Result of <see cref="ServingBenchmark.RunAsync"/>; latency is client-observed, per /search request.</summary>
public sealed record ServingBenchmarkResult(
    int Products, int DistinctQueries, int Requests, int Concurrency, string Mode, int Errors, double Seconds,
    double ProcessCpuSeconds, LatencySummary Latency, TimeSpan SetupTime)
{
    public double RequestsPerSecond => Requests / Seconds;
    /// <summary>Requests per CPU-second of the whole process (server and client): comparable across noisy runs.</summary>
    public double RequestsPerCpuSecond => ProcessCpuSeconds > 0 ? Requests / ProcessCpuSeconds : double.NaN;
}

/// <summary>
/// End-to-end serving benchmark: generates a small simulated marketplace (MarketplaceGenerator) in a temp directory,
/// indexes it (HNSW + BM25) with an UNTRAINED small two-tower model (weights do not change the work; results are not
/// meaningful, timings are), starts <see cref="SearchServer"/> on a free loopback port, and fires /search requests
/// with the simulated queries from a fixed number of concurrent clients in this same process. Any non-200 answer,
/// malformed body or transport failure counts as an error.
/// </summary>
public static class ServingBenchmark
{
    public static async Task<ServingBenchmarkResult> RunAsync(ServingBenchmarkOptions o, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        if (o.Requests < 1) throw new InvalidInputException($"--requests must be ≥ 1 (got {o.Requests})");
        if (o.Concurrency < 1 || o.Concurrency > 1024) throw new InvalidInputException($"--concurrency must be in 1..1024 (got {o.Concurrency})");
        if (o.Products < 100) throw new InvalidInputException($"--products must be ≥ 100 (got {o.Products})");
        if (o.Threads < 1) throw new InvalidInputException($"--threads must be ≥ 1 (got {o.Threads})");

        string root = Path.Combine(Path.GetTempPath(), "q2e-bench-serve-" + Guid.NewGuid().ToString("N"));
        var setup = Stopwatch.StartNew();
        try
        {
            torch.set_num_threads(o.Threads);
            torch.manual_seed((long)o.Seed);
            string dataDir = Path.Combine(root, "data"), indexDir = Path.Combine(root, "index");
            log?.Invoke($"generating a simulated marketplace of {o.Products:N0} products in {root}…");
            MarketplaceGenerator.Generate(new WorldSettings
            {
                Products = o.Products, Queries = Math.Max(200, o.Products / 4), Sessions = Math.Max(500, o.Products / 2), Seed = o.Seed,
            }, dataDir);
            var dataset = MarketplaceDataset.Load(dataDir);
            var queries = dataset.TrainImpressions.Concat(dataset.EvalImpressions).Select(i => i.Query)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (queries.Length == 0) throw new Que2EngageException("the simulated marketplace has no queries");

            var config = ModelConfig.Preset("small") with { ImageDim = dataset.ImageDimension ?? 0 };
            using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(dataset.Products));
            model.eval();
            log?.Invoke($"indexing {dataset.Products.Count:N0} products with an untrained small model…");
            CatalogIndex.Build(dataset.Products, model, indexDir, new IndexBuildOptions());
            using var index = CatalogIndex.Open(indexDir);

            await using var app = SearchServer.Build(index, model, new SearchServerOptions { Port = 0 });
            await app.StartAsync(cancellationToken);
            try
            {
                var baseUri = new Uri(app.Urls.Single());
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency, UseProxy = false })
                {
                    BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30),
                };
                setup.Stop();
                log?.Invoke($"server on {baseUri}; {o.Warmup} warm-up requests, then {o.Requests:N0} from {o.Concurrency} concurrent clients…");
                string mode = o.Mode.ToWire();
                string Url(int i) => $"/search?q={Uri.EscapeDataString(queries[i % queries.Length])}&k={o.K}&mode={mode}";

                await FireAsync(http, Enumerable.Range(0, o.Warmup).Select(i => Url(i * 7919)).ToArray(), o.Concurrency, new double[o.Warmup], cancellationToken);
                var latencies = new double[o.Requests];
                var urls = Enumerable.Range(0, o.Requests).Select(Url).ToArray();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                int errors = await FireAsync(http, urls, o.Concurrency, latencies, cancellationToken);
                double seconds = wall.Elapsed.TotalSeconds;
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                return new ServingBenchmarkResult(index.Count, queries.Length, o.Requests, o.Concurrency, mode, errors, seconds, cpu,
                    LatencySummary.From(latencies), setup.Elapsed);
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Sends every URL once from <paramref name="concurrency"/> workers; returns the number of failed requests.</summary>
    private static async Task<int> FireAsync(HttpClient http, string[] urls, int concurrency, double[] latencies, CancellationToken ct)
    {
        int errors = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, urls.Length), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(urls[i], token);
                    bool ok = response.IsSuccessStatusCode;
                    if (ok)
                    {
                        var body = await response.Content.ReadFromJsonAsync<JsonElement>(token);
                        ok = body.TryGetProperty("hits", out var hits) && hits.ValueKind == JsonValueKind.Array;
                    }
                    if (!ok) Interlocked.Increment(ref errors);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            });
        return errors;
    }
}
