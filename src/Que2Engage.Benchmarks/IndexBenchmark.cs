using Que2Engage.Common;
using System.Diagnostics;
using Que2Engage.Retrieval;

namespace Que2Engage.Benchmarks;

/// <summary>Settings of <see cref="IndexBenchmark"/>.</summary>
public sealed record IndexBenchmarkOptions
{
    public int Count { get; init; } = 100_000;
    public int Queries { get; init; } = 1_000;
    public int Dimension { get; init; } = 128;
    /// <summary>"random" (uniform directions) or "clustered" (Gaussian blobs around random centres).</summary>
    public string Distribution { get; init; } = "clustered";
    public int Clusters { get; init; } = 100;
    public int M { get; init; } = 16;
    public int EfConstruction { get; init; } = 200;
    public int[] Efs { get; init; } = [10, 20, 40, 80, 160];
    public int K { get; init; } = 10;
    public ulong Seed { get; init; } = 42;
    /// <summary>Threads of the second, parallel build (compared with the one-thread build); 1 skips it.</summary>
    public int BuildThreads { get; init; } = 2;
    /// <summary>Also measure the int8 walk (with exact float re-rank) on the one-thread graph.</summary>
    public bool Int8 { get; init; } = true;
}

/// <summary>One row of the recall-vs-speed table.</summary>
/// <param name="QueriesPerCpuSecond">Queries per second of process CPU time: on a shared, oversubscribed machine this is the
/// stable figure (wall-clock QPS also counts time spent descheduled).</param>
public sealed record IndexBenchmarkRow(int Ef, double RecallAtK, double QueriesPerSecond, double QueriesPerCpuSecond, double MeanMicroseconds, double P99Microseconds);

/// <param name="Rows">Float walk on the one-thread graph.</param>
/// <param name="Int8Rows">Int8 walk + exact float re-rank on the same graph (empty without <see cref="IndexBenchmarkOptions.Int8"/>).</param>
/// <param name="ParallelRows">The walk of the served kind (int8 if measured, else float) on the parallel-built graph.</param>
public sealed record IndexBenchmarkResult(IndexBenchmarkOptions Options, double BuildSeconds, double FlatQueriesPerSecond, IReadOnlyList<IndexBenchmarkRow> Rows,
    double ParallelBuildSeconds, IReadOnlyList<IndexBenchmarkRow> Int8Rows, IReadOnlyList<IndexBenchmarkRow> ParallelRows,
    int FloatBytesPerVector, int CodeBytesPerVector, double GraphBytesPerVector);

/// <summary>
/// Recall@k vs single-thread QPS of <see cref="HnswIndex"/> at several ef, against exact ground truth from
/// <see cref="FlatIndex"/>: the float walk and the int8 walk (with exact re-rank) on one one-thread graph, then a
/// graph built on several threads (build time and recall). Writes base.npy, queries.npy and gt.npy (top-k ids) so a Python reference
/// (bench/hnswlib_compare.py) runs on the very same vectors. Deterministic vectors from the seed.
/// </summary>
public static class IndexBenchmark
{
    /// <summary>Norm of a clustered point's isotropic noise relative to its unit-length centre (before re-normalising).</summary>
    public const float ClusterNoise = 0.5f;

    public static IndexBenchmarkResult Run(IndexBenchmarkOptions o, string outDir, Action<string>? log = null)
    {
        if (o.Count < 1 || o.Queries < 1 || o.Dimension < 1 || o.K < 1 || o.Efs.Length == 0)
            throw new InvalidInputException("bench index: count, queries, dimension, k and the ef list must be positive.");
        Directory.CreateDirectory(outDir);
        log?.Invoke($"generating {o.Count} {o.Distribution} base + {o.Queries} query vectors, dim {o.Dimension}");
        var (data, queries) = Generate(o);
        NpyFile.WriteFloat32(Path.Combine(outDir, "base.npy"), data, o.Count, o.Dimension);
        NpyFile.WriteFloat32(Path.Combine(outDir, "queries.npy"), queries, o.Queries, o.Dimension);

        var flat = new FlatIndex(o.Dimension, o.Count);
        for (int i = 0; i < o.Count; i++) flat.Add(data.AsSpan(i * o.Dimension, o.Dimension));
        flat.MaxDegreeOfParallelism = 1;
        var truth = new int[o.Queries * o.K];
        var sw = Stopwatch.StartNew();
        for (int q = 0; q < o.Queries; q++)
        {
            var hits = flat.Search(queries.AsSpan(q * o.Dimension, o.Dimension), o.K);
            for (int j = 0; j < o.K; j++) truth[q * o.K + j] = hits[j].Id;
        }
        double flatQps = o.Queries / sw.Elapsed.TotalSeconds;
        NpyFile.WriteInt32(Path.Combine(outDir, "gt.npy"), truth, o.Queries, o.K);
        log?.Invoke($"exact ground truth: {flatQps:F0} QPS single-thread");

        var options = new HnswOptions
        {
            M = o.M, EfConstruction = o.EfConstruction, Seed = o.Seed,
            Quantization = o.Int8 ? VectorQuantization.Int8 : VectorQuantization.None,
        };
        var hnsw = new HnswIndex(o.Dimension, options, o.Count);
        sw.Restart();
        hnsw.AddRows(data, threads: 1);
        double build = sw.Elapsed.TotalSeconds;
        log?.Invoke($"HNSW build (M {o.M}, efConstruction {o.EfConstruction}, 1 thread): {build:F1} s");
        var bytes = hnsw.BytesPerVector();
        log?.Invoke($"bytes per vector: float {bytes.FloatBytes}, int8 code {bytes.CodeBytes}, graph {bytes.GraphBytes:F0} " +
                    $"(the int8 walk reads {bytes.CodeBytes} B per visited node instead of {bytes.FloatBytes})");

        hnsw.QuantizedWalk = false;
        var rows = MeasureRows(hnsw, queries, truth, o, "float", log);
        var int8Rows = new List<IndexBenchmarkRow>();
        if (o.Int8)
        {
            hnsw.QuantizedWalk = true;
            int8Rows = MeasureRows(hnsw, queries, truth, o, "int8 ", log);
        }

        double parallelBuild = 0;
        var parallelRows = new List<IndexBenchmarkRow>();
        if (o.BuildThreads > 1)
        {
            var parallel = new HnswIndex(o.Dimension, options, o.Count);
            sw.Restart();
            parallel.AddRows(data, threads: o.BuildThreads);
            parallelBuild = sw.Elapsed.TotalSeconds;
            log?.Invoke($"HNSW build ({o.BuildThreads} threads): {parallelBuild:F1} s, {build / parallelBuild:F2}× the one-thread build");
            parallelRows = MeasureRows(parallel, queries, truth, o, $"{(o.Int8 ? "int8" : "float")} {o.BuildThreads}-thread graph", log);
        }
        return new IndexBenchmarkResult(o, build, flatQps, rows, parallelBuild, int8Rows, parallelRows, bytes.FloatBytes, bytes.CodeBytes, bytes.GraphBytes);
    }

    private static List<IndexBenchmarkRow> MeasureRows(HnswIndex hnsw, float[] queries, int[] truth, IndexBenchmarkOptions o, string label, Action<string>? log)
    {
        var rows = new List<IndexBenchmarkRow>();
        var latencies = new double[o.Queries];
        foreach (int ef in o.Efs)
        {
            var p = new SearchParameters(ef);
            // Warm-up for at least half a second, not a fixed count: .NET compiles a method quickly first (tier 0) and
            // re-compiles it optimised in the background once it is hot, and each scorer (float, int8) is its own generic
            // instantiation. A 100-query warm-up timed the int8 walk's first rows partly in tier-0 code (up to 2× slower).
            var warm = Stopwatch.StartNew();
            for (int q = 0; q < 100 || warm.ElapsedMilliseconds < 500; q++) hnsw.Search(queries.AsSpan(q % o.Queries * o.Dimension, o.Dimension), o.K, p);
            int found = 0;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var total = Stopwatch.StartNew();
            for (int q = 0; q < o.Queries; q++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var hits = hnsw.Search(queries.AsSpan(q * o.Dimension, o.Dimension), o.K, p);
                latencies[q] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                var gt = truth.AsSpan(q * o.K, o.K);
                foreach (var h in hits) if (gt.Contains(h.Id)) found++;
            }
            double seconds = total.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            Array.Sort(latencies);
            var row = new IndexBenchmarkRow(ef, found / (double)(o.Queries * o.K), o.Queries / seconds, o.Queries / Math.Max(1e-9, cpuSeconds),
                latencies.Average(), latencies[Math.Min(o.Queries - 1, (int)Math.Ceiling(0.99 * o.Queries) - 1)]);
            rows.Add(row);
            log?.Invoke($"{label} ef {ef,5}: recall@{o.K} {row.RecallAtK:F4}  {row.QueriesPerSecond,9:F0} QPS wall  {row.QueriesPerCpuSecond,9:F0} QPS/CPU-s  mean {row.MeanMicroseconds:F1} µs  p99 {row.P99Microseconds:F1} µs");
        }
        return rows;
    }

    /// <summary>The benchmark vectors: row-major, L2-normalised, from a SplitMix64/Box–Muller stream of the seed.</summary>
    public static (float[] Base, float[] Queries) Generate(IndexBenchmarkOptions o)
    {
        var rng = new SplitMix64(o.Seed);
        int d = o.Dimension;
        float[]? centres = null;
        if (o.Distribution == "clustered")
        {
            centres = new float[o.Clusters * d];
            for (int c = 0; c < o.Clusters; c++) Fill(ref rng, centres.AsSpan(c * d, d), null, 1f);
        }
        else if (o.Distribution != "random")
            throw new InvalidInputException($"bench index: unknown distribution '{o.Distribution}' (expected random or clustered).");
        var all = new float[(o.Count + o.Queries) * d];
        for (int i = 0; i < o.Count + o.Queries; i++)
        {
            var centre = centres is null ? null : centres.AsSpan((int)(rng.Next() % (ulong)o.Clusters) * d, d).ToArray();
            Fill(ref rng, all.AsSpan(i * d, d), centre, centre is null ? 1f : ClusterNoise / MathF.Sqrt(d));
        }
        return (all[..(o.Count * d)], all[(o.Count * d)..]);
    }

    private static void Fill(ref SplitMix64 rng, Span<float> v, float[]? centre, float sigma)
    {
        double norm = 0;
        for (int j = 0; j < v.Length; j++)
        {
            double u1 = ((rng.Next() >> 11) + 1) * (1.0 / (1UL << 53)), u2 = (rng.Next() >> 11) * (1.0 / (1UL << 53));
            float x = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2)) + (centre?[j] ?? 0f);
            v[j] = x;
            norm += (double)x * x;
        }
        float inv = (float)(1 / Math.Sqrt(norm));
        for (int j = 0; j < v.Length; j++) v[j] *= inv;
    }
}
