using System.CommandLine;
using Que2Engage.Modeling;
using Que2Engage.Serving;
using Que2Engage.Benchmarks;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench query-latency [--preset small|paper] [--queries 2000] [--threads 1] [--warmup 200]</c>: single-query
/// embedding latency percentiles of an untrained model built from the preset.
/// </summary>
public static class BenchQueryLatencyCommand
{
    public static Command Create()
    {
        var preset = CliOptions.Preset();
        var queries = new Option<int>("--queries") { Description = "Timed queries (all different where the generator allows).", DefaultValueFactory = _ => 2000 };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads for inference.", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up queries.", DefaultValueFactory = _ => 200 };
        var c = new Command("query-latency", "Measure single-query embedding latency (p50/p90/p99/max) of an untrained model.")
        {
            preset, queries, threads, warmup,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            var r = QueryLatencyBenchmark.Run(new QueryLatencyOptions
            {
                Preset = p.GetValue(preset)!, Queries = p.GetValue(queries), Threads = p.GetValue(threads), Warmup = p.GetValue(warmup),
            }, o.WriteLine);
            o.WriteLine();
            o.WriteLine($"preset {r.Preset} (untrained, {r.Parameters:N0} parameters, D = {r.Dimension}), {r.DistinctQueries:N0} distinct queries");
            o.WriteLine($"threads: libtorch intra-op {r.IntraOpThreads}, inter-op {r.InteropThreads}; {Environment.ProcessorCount} cores");
            o.WriteLine($"query embedding latency (wall):       {r.Latency}");
            if (r.CpuTime is not null) o.WriteLine($"query embedding CPU time (thread):   {r.CpuTime}");
            o.WriteLine($"GCs while timing: gen0 {r.Gen0Collections}, gen2 {r.Gen2Collections}; load average {LoadAverage()}");
            return 0;
        }));
        return c;
    }

    /// <summary>The 1-minute load average (Linux), so a noisy run says so.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
