using System.CommandLine;
using System.Text.Json;
using Que2Engage.Retrieval;
using Que2Engage.Benchmarks;

namespace Que2Engage.Cli.Commands;

/// <summary>`bench index`: HNSW recall@10 vs single-thread QPS against exact search; writes vectors for bench/hnswlib_compare.py.</summary>
public static class BenchIndexCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--n") { Description = "Base vectors.", DefaultValueFactory = _ => 100_000 };
        var queries = new Option<int>("--queries") { Description = "Query vectors.", DefaultValueFactory = _ => 1_000 };
        var dim = new Option<int>("--dim") { Description = "Dimension.", DefaultValueFactory = _ => 128 };
        var dist = CliOptions.Choice("--data", "random | clustered.", [("random", "random"), ("clustered", "clustered")], "clustered");
        var m = new Option<int>("--m") { Description = "HNSW M.", DefaultValueFactory = _ => 16 };
        var efc = new Option<int>("--ef-construction") { Description = "HNSW efConstruction.", DefaultValueFactory = _ => 200 };
        var efs = CliOptions.List("--ef", "Comma-separated query-time ef values.", CliOptions.Integer(1), "an integer ≥ 1", [10, 20, 40, 80, 160]);
        var seed = new Option<ulong>("--seed") { Description = "Seed of the vectors and the level generator.", DefaultValueFactory = _ => 42UL };
        var threads = new Option<int>("--build-threads") { Description = "Threads of the second (parallel) build compared with the one-thread build; 1 skips it.", DefaultValueFactory = _ => 2 };
        var quantize = CliOptions.Choice("--quantize", "int8: also measure the int8 walk with exact re-rank; none: float only.",
            [("none", VectorQuantization.None), ("float", VectorQuantization.None), ("int8", VectorQuantization.Int8)], VectorQuantization.Int8);
        var outDir = new Option<string>("--out") { Description = "Folder for base.npy, queries.npy, gt.npy, csharp.json.", DefaultValueFactory = _ => "bench/out" };
        var cmd = new Command("index", "HNSW recall@10 vs single-thread QPS (float and int8 walks, 1- and N-thread builds) against exact search (vectors shared with bench/hnswlib_compare.py).")
        {
            count, queries, dim, dist, m, efc, efs, seed, threads, quantize, outDir,
        };
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var options = new IndexBenchmarkOptions
            {
                Count = p.GetValue(count), Queries = p.GetValue(queries), Dimension = p.GetValue(dim), Distribution = p.GetValue(dist)!,
                M = p.GetValue(m), EfConstruction = p.GetValue(efc), Seed = p.GetValue(seed),
                Efs = p.GetValue(efs) ?? [], BuildThreads = p.GetValue(threads),
                Int8 = p.GetValue(quantize) == VectorQuantization.Int8,
            };
            var dir = p.GetValue(outDir)!;
            var result = IndexBenchmark.Run(options, dir, Console.WriteLine);
            File.WriteAllText(Path.Combine(dir, "csharp.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return cmd;
    }
}
