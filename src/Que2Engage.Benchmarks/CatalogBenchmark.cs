using System.Diagnostics;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Simulation;
using TorchSharp;
using Que2Engage.Serving;

namespace Que2Engage.Benchmarks;

/// <summary>What <see cref="CatalogBenchmark.Run"/> builds and measures.</summary>
public sealed record CatalogBenchmarkOptions
{
    public int Products { get; init; } = 10_000;
    /// <summary>Timed searches per filter setting.</summary>
    public int Queries { get; init; } = 500;
    /// <summary>Timed upserts (price changes of existing listings: each is a tombstone + a new HNSW node).</summary>
    public int Writes { get; init; } = 2000;
    /// <summary>Concurrent writers (group commit shares one fsync among the writes queued together).</summary>
    public int Writers { get; init; } = 8;
    public int K { get; init; } = 10;
    public ulong Seed { get; init; } = 42;
}

/// <summary>One filter setting's search latency and its recall@k against exact search over the same filtered set.</summary>
public sealed record FilteredSearchResult(string Filter, double Selectivity, SearchMode Mode, LatencySummary Latency, double? RecallAtK);

public sealed record CatalogBenchmarkResult(
    int Products, IReadOnlyList<FilteredSearchResult> Searches, int Writes, int Writers, double WriteSeconds, LatencySummary WriteLatency,
    TimeSpan SetupTime)
{
    public double WritesPerSecond => Writes / WriteSeconds;
}

/// <summary>
/// The live catalog's costs, in process (no HTTP): search latency with no filter and with price filters passing 1 %
/// and 30 % of the listings (and the filtered HNSW's recall@k against exact filtered search), then upsert throughput
/// and acknowledgement latency (log append + fsync + HNSW insert + Lucene update + near-real-time reopen) from
/// concurrent writers. Query and listing vectors are embedded before timing, so model time is left out. The catalog
/// is a simulated marketplace indexed with an UNTRAINED small model: timings are meaningful, relevance is not.
/// </summary>
public static class CatalogBenchmark
{
    public static CatalogBenchmarkResult Run(CatalogBenchmarkOptions o, Action<string>? log = null)
    {
        if (o.Products < 200) throw new InvalidInputException($"--products must be ≥ 200 (got {o.Products})");
        if (o.Queries < 1 || o.Writes < 1) throw new InvalidInputException("--queries and --writes must be ≥ 1");
        if (o.Writers < 1 || o.Writers > 256) throw new InvalidInputException($"--writers must be in 1..256 (got {o.Writers})");
        var root = Path.Combine(Path.GetTempPath(), "q2e-bench-catalog-" + Guid.NewGuid().ToString("N"));
        var setup = Stopwatch.StartNew();
        try
        {
            torch.set_num_threads(1);
            torch.manual_seed((long)o.Seed);
            string dataDir = Path.Combine(root, "data"), indexDir = Path.Combine(root, "index");
            log?.Invoke($"generating a simulated marketplace of {o.Products:N0} products…");
            MarketplaceGenerator.Generate(new WorldSettings
            {
                Products = o.Products, Queries = Math.Max(200, o.Products / 10), Sessions = Math.Max(500, o.Products / 4), Seed = o.Seed,
            }, dataDir);
            var dataset = MarketplaceDataset.Load(dataDir);
            var config = ModelConfig.Preset("small") with { ImageDim = dataset.ImageDimension ?? 0 };
            using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(dataset.Products));
            model.eval();
            log?.Invoke($"indexing with an untrained small model…");
            CatalogIndex.Build(dataset.Products, model, indexDir, new IndexBuildOptions());
            var queries = dataset.TrainImpressions.Select(i => i.Query).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(o.Queries).ToArray();
            var queryVectors = model.EmbedQueries(queries);
            var prices = dataset.Products.Select(p => p.Price).Order().ToArray();
            double Quantile(double q) => prices[Math.Clamp((int)(q * prices.Length) - 1, 0, prices.Length - 1)];
            var filters = new (string Name, SearchFilter? Filter)[]
            {
                ("none", null),
                ("30 %", new SearchFilter { MaxPrice = Quantile(0.30) }),
                ("1 %", new SearchFilter { MaxPrice = Quantile(0.01) }),
            };
            var writeProducts = Enumerable.Range(0, o.Writes).Select(i => dataset.Products[(int)((long)i * 7919 % dataset.Products.Count)]).ToList();
            var writeVectors = new List<float[]>(o.Writes);
            for (int s = 0; s < writeProducts.Count; s += 256) writeVectors.AddRange(model.EmbedProducts(writeProducts.Skip(s).Take(256).ToList()));
            setup.Stop();

            var searches = new List<FilteredSearchResult>();
            using (var index = CatalogIndex.Open(indexDir))
            {
                var entries = index.Products;
                var exact = VectorIndexKind.Flat.Create(index.Dimension, initialCapacity: entries.Count);
                for (int i = 0; i < entries.Count; i++) exact.Add(index.Vectors.GetVector(i));
                foreach (var (name, filter) in filters)
                {
                    double selectivity = filter is null ? 1 : entries.Count(filter.Matches) / (double)entries.Count;
                    foreach (var mode in new[] { SearchMode.Ebr, SearchMode.Hybrid })
                    {
                        log?.Invoke($"searching: filter {name} ({selectivity:P1} of listings), mode {mode.ToWire()}…");
                        for (int i = 0; i < Math.Min(50, queries.Length); i++) index.Search(queries[i], queryVectors[i], o.K, mode, filter: filter);
                        var ms = new double[queries.Length];
                        double found = 0, wanted = 0;
                        OrdinalSet? allowed = null;
                        if (filter is not null)
                        {
                            allowed = new OrdinalSet(entries.Count);
                            for (int i = 0; i < entries.Count; i++) if (filter.Matches(entries[i])) allowed.Add(i);
                        }
                        for (int i = 0; i < queries.Length; i++)
                        {
                            long t = Stopwatch.GetTimestamp();
                            var hits = index.Search(queries[i], queryVectors[i], o.K, mode, filter: filter);
                            ms[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                            if (mode != SearchMode.Ebr) continue;
                            // A batch of one: the flat kind answers a batch on the calling thread, so the ground truth
                            // wakes no worker threads between timed searches.
                            var truth = exact.SearchBatch([queryVectors[i]], o.K, new SearchParameters(Allowed: allowed))[0]
                                .Select(h => entries[h.Id].ProductId).ToHashSet();
                            found += hits.Count(h => truth.Contains(h.Product.ProductId));
                            wanted += truth.Count;
                        }
                        searches.Add(new FilteredSearchResult(name, selectivity, mode, LatencySummary.From(ms), mode == SearchMode.Ebr ? found / Math.Max(1, wanted) : null));
                    }
                }
            }

            log?.Invoke($"upserting {o.Writes:N0} price changes from {o.Writers} writers…");
            var latencies = new double[o.Writes];
            double seconds;
            using (var index = CatalogIndex.OpenWritable(indexDir, new CatalogWriteOptions { CompactMinTombstones = int.MaxValue, CheckpointLogRecords = long.MaxValue }))
            {
                int next = -1;
                var wall = Stopwatch.StartNew();
                var tasks = Enumerable.Range(0, o.Writers).Select(_ => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < o.Writes)
                    {
                        var entry = CatalogEntry.From(writeProducts[i]) with { Price = writeProducts[i].Price + 1 + i };
                        long t = Stopwatch.GetTimestamp();
                        await index.UpsertAsync(entry, writeVectors[i]).ConfigureAwait(false);
                        latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    }
                })).ToArray();
                Task.WaitAll(tasks);
                seconds = wall.Elapsed.TotalSeconds;
            }
            return new CatalogBenchmarkResult(o.Products, searches, o.Writes, o.Writers, seconds, LatencySummary.From(latencies), setup.Elapsed);
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
