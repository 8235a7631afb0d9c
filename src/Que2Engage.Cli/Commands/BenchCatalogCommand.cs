using System.CommandLine;
using System.Globalization;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Benchmarks;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench catalog [--products 10000] [--queries 500] [--writes 2000] [--writers 8]</c>: search latency with no filter
/// and 30 % / 1 % price filters (with filtered recall@k), then upsert throughput and p99 (<see cref="CatalogBenchmark"/>).
/// </summary>
public static class BenchCatalogCommand
{
    public static Command Create()
    {
        var products = new Option<int>("--products") { Description = "Products in the simulated catalogue.", DefaultValueFactory = _ => 10_000 };
        var queries = new Option<int>("--queries") { Description = "Timed searches per filter and mode.", DefaultValueFactory = _ => 500 };
        var writes = new Option<int>("--writes") { Description = "Timed upserts.", DefaultValueFactory = _ => 2000 };
        var writers = new Option<int>("--writers") { Description = "Concurrent writers.", DefaultValueFactory = _ => 8 };
        var c = new Command("catalog", "Live catalog: filtered search latency (none / 30 % / 1 %) and upsert throughput and p99.")
        {
            products, queries, writes, writers,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            var r = CatalogBenchmark.Run(new CatalogBenchmarkOptions
            {
                Products = p.GetValue(products), Queries = p.GetValue(queries), Writes = p.GetValue(writes), Writers = p.GetValue(writers),
            }, o.WriteLine);
            o.WriteLine();
            o.WriteLine($"{r.Products:N0} products (simulated, untrained small model, HNSW M 16 ef 64); setup {r.SetupTime.TotalSeconds:F1} s");
            o.WriteLine("| filter | passes | mode | p50 ms | p99 ms | recall@10 vs exact filtered |");
            o.WriteLine("| --- | ---: | --- | ---: | ---: | ---: |");
            foreach (var s in r.Searches)
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {s.Filter} | {s.Selectivity:P1} | {s.Mode.ToWire()} | {s.Latency.P50Ms:F3} | {s.Latency.P99Ms:F3} | {(s.RecallAtK is double rc ? rc.ToString("F3", CultureInfo.InvariantCulture) : "–")} |"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"upserts: {r.Writes:N0} from {r.Writers} writers in {r.WriteSeconds:F2} s = {r.WritesPerSecond:F0} writes/s; acknowledgement latency {r.WriteLatency}"));
            o.WriteLine($"load average {BenchQueryLatencyCommand.LoadAverage()}, {Environment.ProcessorCount} cores");
            return 0;
        }));
        return c;
    }
}
