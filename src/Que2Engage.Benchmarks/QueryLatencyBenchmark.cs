using System.Diagnostics;
using Que2Engage.Modeling;
using TorchSharp;
using Que2Engage.Serving;

namespace Que2Engage.Benchmarks;

/// <summary>What <see cref="QueryLatencyBenchmark.Run"/> measures with.</summary>
public sealed record QueryLatencyOptions
{
    /// <summary>Model preset (<see cref="ModelConfig.Preset"/>).</summary>
    public string Preset { get; init; } = "small";
    public int Queries { get; init; } = 2000;
    /// <summary>Untimed calls before measuring (allocator, MKL/oneDNN kernels, JIT).</summary>
    public int Warmup { get; init; } = 200;
    /// <summary>libtorch intra-op threads for inference (1 is best for single-query latency, see BENCHMARKS.md).</summary>
    public int Threads { get; init; } = 1;
    public ulong Seed { get; init; } = 42;
}

/// <summary>
/// Result of <see cref="QueryLatencyBenchmark.Run"/>: wall-clock latency of the whole embed call per query, the calling
/// thread's CPU time per query (null off Linux; excludes time waiting for a core), and GCs during the timed part.
/// </summary>
public sealed record QueryLatencyResult(
    string Preset, long Parameters, int Dimension, int IntraOpThreads, int InteropThreads, int DistinctQueries,
    LatencySummary Latency, LatencySummary? CpuTime, int Gen0Collections, int Gen2Collections);

/// <summary>
/// Single-query embedding latency of an untrained <see cref="TwoTowerModel"/> built from a preset — the exact call the
/// server makes per request (<see cref="IEmbeddingModel.EmbedQueries"/> with one query: featurise, tensors, query
/// tower forward, copy out). Weights do not change the work, so an untrained model measures a trained one's speed.
/// </summary>
public static class QueryLatencyBenchmark
{
    public static QueryLatencyResult Run(QueryLatencyOptions options, Action<string>? log = null)
    {
        if (options.Queries < 1) throw new InvalidInputException($"--queries must be ≥ 1 (got {options.Queries})");
        if (options.Threads < 1) throw new InvalidInputException($"--threads must be ≥ 1 (got {options.Threads})");
        if (options.Warmup < 0) throw new InvalidInputException($"--warmup must be ≥ 0 (got {options.Warmup})");
        var config = ModelConfig.Preset(options.Preset);
        torch.set_num_threads(options.Threads);
        torch.manual_seed((long)options.Seed);

        log?.Invoke($"building an untrained {options.Preset} model…");
        using var model = new TwoTowerModel(config, new ContextStatistics());
        model.eval();
        long parameters = model.parameters().Sum(p => p.numel());

        var queries = BenchmarkQueries.Generate(options.Warmup + options.Queries, options.Seed);
        log?.Invoke($"warm-up: {options.Warmup} queries; timing {options.Queries:N0} on {torch.get_num_threads()} intra-op thread(s)…");
        for (int i = 0; i < options.Warmup; i++) model.EmbedQueries([queries[i]]);

        var wall = new double[options.Queries];
        var cpu = new double[options.Queries];
        int gen0 = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        for (int i = 0; i < options.Queries; i++)
        {
            string q = queries[options.Warmup + i];
            double cpuStart = ThreadCpuClock.NowMs();
            long start = Stopwatch.GetTimestamp();
            var v = model.EmbedQueries([q]);
            wall[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpu[i] = ThreadCpuClock.NowMs() - cpuStart;
            if (v[0].Length != config.Dim) throw new Que2EngageException($"the model returned a {v[0].Length}-dim vector, expected {config.Dim}");
        }
        gen0 = GC.CollectionCount(0) - gen0;
        gen2 = GC.CollectionCount(2) - gen2;
        return new QueryLatencyResult(options.Preset, parameters, config.Dim, torch.get_num_threads(), torch.get_num_interop_threads(),
            queries.Skip(options.Warmup).Distinct(StringComparer.Ordinal).Count(), LatencySummary.From(wall),
            ThreadCpuClock.IsAvailable ? LatencySummary.From(cpu) : null, gen0, gen2);
    }
}
