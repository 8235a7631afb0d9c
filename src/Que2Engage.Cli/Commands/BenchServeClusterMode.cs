using System.CommandLine;
using Que2Engage.Cluster;
using Que2Engage.Retrieval;
using Que2Engage.Benchmarks;

namespace Que2Engage.Cli.Commands;

/// <summary><c>bench serve --cluster N [--replicas 2] [--seconds 20]</c>: one process vs N silo processes, same catalog, clients and time.</summary>
internal static class BenchServeClusterMode
{
    public static readonly Option<int?> Silos = new("--cluster") { Description = "Also serve the catalog from this many silo processes (Orleans) and compare with one process." };
    public static readonly Option<int> Replicas = new("--replicas") { Description = "With --cluster: replicas of each shard.", DefaultValueFactory = _ => 2 };
    public static readonly Option<int> Seconds = new("--seconds") { Description = "With --cluster: seconds of load on each setup.", DefaultValueFactory = _ => 20 };

    public static void AddTo(Command c)
    {
        c.Options.Add(Silos);
        c.Options.Add(Replicas);
        c.Options.Add(Seconds);
    }

    public static int Run(ParseResult p, int concurrency, int products, SearchMode mode, int threads)
    {
        var o = p.InvocationConfiguration.Output;
        int seconds = p.GetValue(Seconds);
        if (seconds < 1 || seconds > 3600) throw new InvalidInputException($"--seconds must be in 1..3600 (got {seconds})");
        var (single, cluster, n, queries, f) = ClusterBenchmark.RunAsync(new ClusterBenchmarkOptions
        {
            Silos = p.GetValue(Silos)!.Value, Replicas = p.GetValue(Replicas), Concurrency = concurrency, Products = products, Mode = mode,
            Threads = threads, Duration = TimeSpan.FromSeconds(seconds), CliDll = typeof(Program).Assembly.Location,
        }, o.WriteLine).GetAwaiter().GetResult();
        o.WriteLine();
        o.WriteLine($"{n:N0} products (simulated, untrained small model, HNSW), {queries:N0} distinct queries, mode {mode.ToWire()}, {concurrency} clients, {seconds} s each");
        foreach (var r in new[] { single, cluster })
            o.WriteLine($"{r.Setup,-24} {r.RequestsPerSecond,7:F0} requests/s  p50 {r.Latency.P50Ms:F1} ms  p99 {r.Latency.P99Ms:F1} ms  " +
                        $"({r.Requests:N0} requests, {r.CpuSeconds / r.Seconds:F2} CPU-s/s, errors {r.Errors}, partial {r.Partial})");
        o.WriteLine($"silo resident memory: {string.Join(", ", f.SiloRssBytes.Select(b => $"{b / 1048576.0:F0} MiB"))} ({f.ShardReplicasPerSilo} shard replicas each)");
        o.WriteLine($"shards on disk per product: vectors {f.VectorBytes / (double)f.Products:F0} B, BM25 {f.LexicalBytes / (double)f.Products:F0} B, records {f.ProductBytes / (double)f.Products:F0} B");
        if (cluster.Requests > 0)
            o.WriteLine($"CPU per request: 1 process {single.CpuSeconds / single.Requests * 1000:F2} ms, cluster (front end + silos) {cluster.CpuSeconds / cluster.Requests * 1000:F2} ms");
        o.WriteLine($"load average {BenchQueryLatencyCommand.LoadAverage()}, {Environment.ProcessorCount} cores");
        return single.Errors + cluster.Errors == 0 ? 0 : 1;
    }
}
