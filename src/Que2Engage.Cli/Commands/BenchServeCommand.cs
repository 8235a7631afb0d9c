using System.CommandLine;
using Que2Engage.Retrieval;
using Que2Engage.Serving;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench serve [--requests 2000] [--concurrency 16] [--products 2000] [--mode hybrid]</c>: /search latency and
/// throughput of the HTTP server over a small simulated catalogue indexed with an untrained small model.
/// </summary>
public static class BenchServeCommand
{
    public static Command Create()
    {
        var requests = new Option<int>("--requests") { Description = "Timed /search requests.", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent clients.", DefaultValueFactory = _ => 16 };
        var products = new Option<int>("--products") { Description = "Products in the simulated catalogue.", DefaultValueFactory = _ => 2000 };
        var mode = new Option<string>("--mode") { Description = "hybrid, ebr or lexical.", DefaultValueFactory = _ => "hybrid" };
        mode.AcceptOnlyFromAmong("hybrid", "ebr", "lexical");
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads.", DefaultValueFactory = _ => 1 };
        var c = new Command("serve", "Measure /search latency (p50/p99) and requests/s on a loopback server over a simulated catalogue.")
        {
            requests, concurrency, products, mode, threads,
        };
        BenchServeClusterMode.AddTo(c);
        c.SetAction(p => Verbs.Run(p, () =>
        {
            if (p.GetValue(BenchServeClusterMode.Silos) is not null)
                return BenchServeClusterMode.Run(p, p.GetValue(concurrency), p.GetValue(products), SearchModeNames.Parse(p.GetValue(mode)), p.GetValue(threads));
            var o = p.InvocationConfiguration.Output;
            var r = ServingBenchmark.RunAsync(new ServingBenchmarkOptions
            {
                Requests = p.GetValue(requests), Concurrency = p.GetValue(concurrency), Products = p.GetValue(products),
                Mode = SearchModeNames.Parse(p.GetValue(mode)), Threads = p.GetValue(threads),
            }, o.WriteLine).GetAwaiter().GetResult();
            o.WriteLine();
            o.WriteLine($"{r.Products:N0} products (simulated, untrained small model), {r.DistinctQueries:N0} distinct queries, mode {r.Mode}; setup {r.SetupTime.TotalSeconds:F1} s");
            o.WriteLine($"{r.Requests:N0} requests from {r.Concurrency} clients in {r.Seconds:F2} s: {r.RequestsPerSecond:F0} requests/s " +
                        $"({r.RequestsPerCpuSecond:F0} per process CPU-second), errors {r.Errors}");
            o.WriteLine($"/search latency (client): {r.Latency}");
            o.WriteLine($"load average {BenchQueryLatencyCommand.LoadAverage()}, {Environment.ProcessorCount} cores");
            return r.Errors == 0 ? 0 : 1;
        }));
        return c;
    }
}
