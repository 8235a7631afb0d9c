using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Simulation;
using TorchSharp;
using Que2Engage.Serving;

namespace Que2Engage.Benchmarks;

/// <summary>What <see cref="ServingBenchmark.RunAsync"/> builds and fires.</summary>
public sealed record ServingBenchmarkOptions
{
    public int Requests { get; init; } = 2000;
    public int Concurrency { get; init; } = 16;
    /// <summary>Products in the simulated catalogue that is indexed.</summary>
    public int Products { get; init; } = 2000;
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int K { get; init; } = 10;
    /// <summary>Untimed requests first (JIT, connection pool, kernels): at least this many …</summary>
    public int Warmup { get; init; } = 100;
    /// <summary>
    /// … and for at least this long. .NET compiles a method quickly first and recompiles the hot ones optimised
    /// (tiered compilation, with an instrumented tier between) on a background thread that competes with the load;
    /// a 100-request warm-up left Lucene's scorers and the HTTP stack in tier-0 code for much of the timed run.
    /// </summary>
    public double WarmupSeconds { get; init; } = 15;
    /// <summary>libtorch intra-op threads (1: requests already run in parallel; see BENCHMARKS.md).</summary>
    public int Threads { get; init; } = 1;
    public ulong Seed { get; init; } = 42;
    /// <summary>A trained model directory; null = an untrained small model (timings real, results meaningless).</summary>
    public string? ModelDir { get; init; }
    /// <summary>A world to index (products + impressions, e.g. from <c>generate</c>); null = a simulated one of <see cref="Products"/>.</summary>
    public string? DataDir { get; init; }
    /// <summary>
    /// Query batching settings to run one after the other on the same index (false = off, true = on). On runs first:
    /// with batching off, requests block thread-pool threads on the model's lock, the pool injects more threads, and
    /// those extra threads slow whatever runs after in the same process (measured: batching on's p99 33–45 ms after
    /// an off run vs 19–30 ms before it; BENCHMARKS.md).
    /// </summary>
    public bool[] Batching { get; init; } = [true, false];
    /// <summary>With batching on: the longest a batch waits for more queries after its first (<see cref="SearchServerOptions.MaxQueryBatchWait"/>).</summary>
    public TimeSpan BatchWait { get; init; } = new SearchServerOptions().MaxQueryBatchWait;
}

/// <summary>Result of <see cref="ServingBenchmark.RunAsync"/>; latency is client-observed, per /search request.</summary>
public sealed record ServingBenchmarkResult(
    int Products, int DistinctQueries, int Requests, int Concurrency, string Mode, int Errors, double Seconds,
    double ProcessCpuSeconds, LatencySummary Latency, TimeSpan SetupTime, bool Batching = false, double MeanBatchSize = double.NaN)
{
    public double RequestsPerSecond => Requests / Seconds;
    /// <summary>Requests per CPU-second of the whole process (server and client): comparable across noisy runs.</summary>
    public double RequestsPerCpuSecond => ProcessCpuSeconds > 0 ? Requests / ProcessCpuSeconds : double.NaN;
}

/// <summary>
/// End-to-end serving benchmark: generates a small simulated marketplace (MarketplaceGenerator) in a temp directory
/// (or takes a world directory), indexes it (HNSW + BM25) with a trained model or an UNTRAINED small two-tower model
/// (weights do not change the work; results are not meaningful, timings are), starts <see cref="SearchServer"/> on a
/// free loopback port once per query-batching setting (by default on, then off, on the same index), and fires /search requests
/// with the simulated queries from a fixed number of concurrent clients in this same process. Any non-200 answer,
/// malformed body or transport failure counts as an error.
/// </summary>
public static class ServingBenchmark
{
    /// <summary>One result per entry of <see cref="ServingBenchmarkOptions.Batching"/>, all on the same index and queries.</summary>
    public static async Task<IReadOnlyList<ServingBenchmarkResult>> RunAsync(ServingBenchmarkOptions o, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        if (o.Requests < 1) throw new InvalidInputException($"--requests must be ≥ 1 (got {o.Requests})");
        if (o.Concurrency < 1 || o.Concurrency > 1024) throw new InvalidInputException($"--concurrency must be in 1..1024 (got {o.Concurrency})");
        if (o.Products < 100) throw new InvalidInputException($"--products must be ≥ 100 (got {o.Products})");
        if (o.Threads < 1) throw new InvalidInputException($"--threads must be ≥ 1 (got {o.Threads})");
        if (!(o.WarmupSeconds >= 0)) throw new InvalidInputException($"--warmup-seconds must be ≥ 0 (got {o.WarmupSeconds})");
        if (o.Batching.Length == 0) throw new InvalidInputException("at least one batching setting to measure is needed");

        string root = Path.Combine(Path.GetTempPath(), "q2e-bench-serve-" + Guid.NewGuid().ToString("N"));
        var setup = Stopwatch.StartNew();
        try
        {
            TorchRuntime.Configure(o.Threads);
            torch.manual_seed((long)o.Seed);
            string dataDir = o.DataDir ?? Path.Combine(root, "data"), indexDir = Path.Combine(root, "index");
            if (o.DataDir is null)
            {
                log?.Invoke($"generating a simulated marketplace of {o.Products:N0} products in {root}…");
                MarketplaceGenerator.Generate(new WorldSettings
                {
                    Products = o.Products, Queries = Math.Max(200, o.Products / 4), Sessions = Math.Max(500, o.Products / 2), Seed = o.Seed,
                }, dataDir);
            }
            var dataset = MarketplaceDataset.Load(dataDir);
            var queries = dataset.TrainImpressions.Concat(dataset.EvalImpressions).Select(i => i.Query)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (queries.Length == 0) throw new Que2EngageException("the marketplace has no queries");

            IEmbeddingModel model;
            if (o.ModelDir is null)
            {
                var config = ModelConfig.Preset("small") with { ImageDim = dataset.ImageDimension ?? 0 };
                var untrained = new TwoTowerModel(config, ContextStatistics.FromCatalogue(dataset.Products));
                untrained.eval();
                model = untrained;
            }
            else model = ModelStore.Load(o.ModelDir);
            try
            {
                log?.Invoke($"indexing {dataset.Products.Count:N0} products with {(o.ModelDir is null ? "an untrained small model" : "the model " + o.ModelDir)}…");
                CatalogIndex.Build(dataset.Products, model, indexDir, new IndexBuildOptions());
                TorchRuntime.Configure(o.Threads);
                using var index = CatalogIndex.Open(indexDir);
                setup.Stop();
                var results = new List<ServingBenchmarkResult>();
                foreach (bool batching in o.Batching)
                    results.Add(await RunServerAsync(o, index, model, queries, batching, setup.Elapsed, log, cancellationToken));
                return results;
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<ServingBenchmarkResult> RunServerAsync(ServingBenchmarkOptions o, CatalogIndex index, IEmbeddingModel model,
        string[] queries, bool batching, TimeSpan setup, Action<string>? log, CancellationToken cancellationToken)
    {
        await using var app = SearchServer.Build(index, model, new SearchServerOptions { Port = 0, QueryBatching = batching, MaxQueryBatchWait = o.BatchWait });
        await app.StartAsync(cancellationToken);
        try
        {
            var baseUri = new Uri(app.Urls.Single());
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency, UseProxy = false })
            {
                BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30),
            };
            log?.Invoke($"server on {baseUri}, query batching {(batching ? "on" : "off")}; warm-up ≥ {o.Warmup} requests and ≥ {o.WarmupSeconds:0.#} s, then {o.Requests:N0} from {o.Concurrency} concurrent clients…");
            string mode = o.Mode.ToWire();
            string Url(int i) => $"/search?q={Uri.EscapeDataString(queries[i % queries.Length])}&k={o.K}&mode={mode}";

            var warm = Stopwatch.StartNew();
            for (int sent = 0; sent < o.Warmup || warm.Elapsed.TotalSeconds < o.WarmupSeconds; sent += 100)
                await FireAsync(http, Enumerable.Range(sent, 100).Select(i => Url(i * 7919)).ToArray(), o.Concurrency, new double[100], cancellationToken);
            var (batches0, embedded0) = await BatchCountersAsync(http, cancellationToken);
            var latencies = new double[o.Requests];
            var urls = Enumerable.Range(0, o.Requests).Select(Url).ToArray();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            int errors = await FireAsync(http, urls, o.Concurrency, latencies, cancellationToken);
            double seconds = wall.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var (batches1, embedded1) = await BatchCountersAsync(http, cancellationToken);
            double meanBatch = batches1 > batches0 ? (embedded1 - embedded0) / (double)(batches1 - batches0) : double.NaN;
            return new ServingBenchmarkResult(index.Count, queries.Length, o.Requests, o.Concurrency, mode, errors, seconds, cpu,
                LatencySummary.From(latencies), setup, batching, meanBatch);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The batcher's model calls and queries from /metrics (0, 0 without batching).</summary>
    private static async Task<(long Batches, long Queries)> BatchCountersAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        long Read(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Read("q2e_query_embedding_batches_total"), Read("q2e_query_embeddings_total"));
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
