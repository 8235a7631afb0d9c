using System.CommandLine;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Benchmarks;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench serve [--requests 2000] [--concurrency 16] [--products 2000] [--mode hybrid] [--model DIR] [--data DIR] [--batching on,off] [--warmup-seconds 15] [--batch-wait-ms 1]</c>:
/// /search latency and throughput of the HTTP server, query batching off and on, over a world indexed with a model.
/// </summary>
public static class BenchServeCommand
{
    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "Timed /search requests.", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent clients.", DefaultValueFactory = _ => 16 };
        var products = new Option<int>("--products") { Description = "Products in the simulated catalogue.", DefaultValueFactory = _ => 2000 };
        var mode = CliOptions.Mode("hybrid, ebr or lexical.");
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads.", DefaultValueFactory = _ => 1 };
        var model = new Option<string?>("--model") { Description = "Trained model directory (default: an untrained small model)." };
        var data = new Option<string?>("--data") { Description = "World directory to index and take queries from (default: a simulated one of --products)." };
        var batching = CliOptions.List("--batching", "Query batching settings to compare on one index, in this order: on,off (default), off,on, on or off.",
            (string text, out bool on) => (on = text == "on") || text == "off", "on or off", [true, false]);
        var warmup = new Option<double>("--warmup-seconds")
        {
            Description = "Untimed load before each timed run, so .NET has compiled the hot paths optimised (at least 100 requests).",
            DefaultValueFactory = _ => new ServingBenchmarkOptions().WarmupSeconds,
        };
        var batchWait = new Option<double>("--batch-wait-ms")
        {
            Description = "With batching on: the longest a batch waits for more queries after its first, in milliseconds.",
            DefaultValueFactory = _ => new ServingBenchmarkOptions().BatchWait.TotalMilliseconds,
        }.Check(ms => ms >= 0, ms => $"--batch-wait-ms must be ≥ 0 (got {ms}).");
        var c = new Command("serve", "Measure /search latency (p50/p99) and requests/s on a loopback server, query batching off and on.")
        {
            requests, concurrency, products, mode, threads, model, data, batching, warmup, batchWait,
        };
        BenchServeClusterMode.AddTo(c);
        c.SetAction(p => Verbs.Run(p, () =>
        {
            if (p.GetValue(BenchServeClusterMode.Silos) is not null)
                return BenchServeClusterMode.Run(p, p.GetValue(concurrency), p.GetValue(products), p.GetValue(mode), p.GetValue(threads));
            var o = p.InvocationConfiguration.Output;
            var runs = ServingBenchmark.RunAsync(new ServingBenchmarkOptions
            {
                Requests = p.GetValue(requests), Concurrency = p.GetValue(concurrency), Products = p.GetValue(products),
                Mode = p.GetValue(mode), Threads = p.GetValue(threads),
                ModelDir = p.GetValue(model), DataDir = p.GetValue(data), Batching = p.GetValue(batching) is { Length: > 0 } b ? b : [true, false],
                WarmupSeconds = p.GetValue(warmup), BatchWait = TimeSpan.FromMilliseconds(p.GetValue(batchWait)),
            }, o.WriteLine).GetAwaiter().GetResult();
            var first = runs[0];
            o.WriteLine();
            o.WriteLine($"{first.Products:N0} products ({(p.GetValue(model) is null ? "untrained small model" : p.GetValue(model))}), {first.DistinctQueries:N0} distinct queries, mode {first.Mode}; setup {first.SetupTime.TotalSeconds:F1} s");
            foreach (var r in runs)
            {
                o.WriteLine($"batching {(r.Batching ? $"on (mean batch {r.MeanBatchSize:F1})" : "off")}: {r.Requests:N0} requests from {r.Concurrency} clients in {r.Seconds:F2} s: " +
                            $"{r.RequestsPerSecond:F0} requests/s ({r.RequestsPerCpuSecond:F0} per process CPU-second), errors {r.Errors}");
                o.WriteLine($"  /search latency (client): {r.Latency}");
            }
            if (runs.FirstOrDefault(r => r.Batching) is { } on && runs.FirstOrDefault(r => !r.Batching) is { } off)
                o.WriteLine($"batching on ÷ off: {on.RequestsPerSecond / off.RequestsPerSecond:F2}× requests/s");
            o.WriteLine($"load average {BenchQueryLatencyCommand.LoadAverage()}, {Environment.ProcessorCount} cores");
            return runs.All(r => r.Errors == 0) ? 0 : 1;
        }));
        return c;
    }
}
