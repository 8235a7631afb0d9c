using System.CommandLine;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>index --data DIR --model MODEL_DIR --out INDEX_DIR [--kind flat|hnsw] [--quantize none|int8] [--threads N] [--m 16] [--ef-construction 200] [--append]</c>:
/// embeds the catalog and writes vector + BM25 indexes and the product store (<see cref="CatalogIndex"/>).
/// <c>index --out INDEX_DIR --upsert FILE</c> / <c>--delete ID,ID</c>: offline writes to an existing index.
/// </summary>
public static class IndexCommand
{
    public static Command Create(ModelLoader loadModel)
    {
        var data = new Option<string?>("--data") { Description = "Data directory holding products.parquet|jsonl (to build or --append)." };
        var model = new Option<string?>("--model") { Description = "Trained model directory (with --upsert: default the one recorded in the index)." };
        var output = new Option<string>("--out") { Description = "Index directory to write (an existing index there is replaced).", Required = true };
        var kind = CliOptions.Choice("--kind", "Vector index: flat (exact) or hnsw.", VectorIndexKind.All.Select(k => (k.Name, k)).ToList(), VectorIndexKind.Hnsw);
        var m = new Option<int>("--m") { Description = "HNSW links per node (2·M on the bottom layer).", DefaultValueFactory = _ => 16 };
        var efc = new Option<int>("--ef-construction") { Description = "HNSW candidate list size while building.", DefaultValueFactory = _ => 200 };
        var ef = new Option<int>("--ef") { Description = "HNSW default query-time ef stored in the index.", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--batch-size") { Description = "Products per embedding call.", DefaultValueFactory = _ => 256 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of HNSW level generation.", DefaultValueFactory = _ => 42UL };
        var quantize = CliOptions.Choice("--quantize", "HNSW walk on int8 codes with exact float re-rank (int8), or on floats (none).",
            [("none", VectorQuantization.None), ("float", VectorQuantization.None), ("int8", VectorQuantization.Int8)], VectorQuantization.None);
        var threads = CliOptions.Threads("Threads for embedding (libtorch) and HNSW insertion.", Environment.ProcessorCount);
        var append = new Option<bool>("--append") { Description = "Add the products to the existing index at --out (new ids) instead of rebuilding." };
        var upsert = new Option<string?>("--upsert") { Description = "Add or replace the listings of this products file (parquet/jsonl) in the index at --out." };
        var delete = new Option<string?>("--delete") { Description = "Delete these product ids (comma-separated) from the index at --out." };
        var repair = new Option<bool>("--repair") { Description = "Repair the damaged write-ahead log (writes.wal) of the index at --out: keep every record whose checksums hold, keep the damaged file beside it, and say what was dropped." };
        var shards = new Option<int?>("--shards") { Description = "Split the catalog into N shards by a stable hash of product_id (N index directories under --out, for 'silo' / 'serve --cluster')." }
            .Check(n => n is null or >= 1 and <= Que2Engage.Retrieval.Sharding.ShardSet.MaxShards,
                n => $"--shards must be in 1..{Que2Engage.Retrieval.Sharding.ShardSet.MaxShards} (got {n}).");
        var cmd = new Command("index", "Embed a catalog and build vector + BM25 indexes; or upsert/delete listings of an index.")
            { data, model, output, kind, m, efc, ef, batch, seed, quantize, threads, append, upsert, delete, repair, shards };
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            if (p.GetValue(repair)) return Repair(p.GetValue(output)!, o);
            if (p.GetValue(upsert) is not null || p.GetValue(delete) is not null)
                return UpsertDelete(p.GetValue(output)!, p.GetValue(upsert), p.GetValue(delete), p.GetValue(model), loadModel, o);
            var dataDir = p.GetValue(data) ?? throw new InvalidInputException("--data is required to build an index (or give --upsert FILE / --delete IDS).");
            var modelDir = p.GetValue(model) ?? throw new InvalidInputException("--model is required to build an index.");
            var productsPath = DataFiles.Find(dataDir, DataFiles.ProductsStem)
                ?? throw new InvalidInputException($"{dataDir}: no products.parquet or products.jsonl.");
            var products = DataFiles.ReadProducts(productsPath);
            var options = new IndexBuildOptions
            {
                Kind = p.GetValue(kind)!, M = p.GetValue(m), EfConstruction = p.GetValue(efc),
                DefaultEf = p.GetValue(ef), BatchSize = p.GetValue(batch), Seed = p.GetValue(seed), ModelPath = modelDir,
                Quantization = p.GetValue(quantize), Threads = p.GetValue(threads),
            };
            options.Validate();
            var embedder = loadModel(modelDir);
            if (embedder is TorchSharp.torch.nn.Module or Que2Engage.Modeling.Pretrained.PretrainedSentenceEncoder) TorchRuntime.Configure(options.Threads); // libtorch intra-op threads of the embedding
            try
            {
                var outDir = p.GetValue(output)!;
                if (p.GetValue(shards) is int n)
                {
                    if (p.GetValue(append)) throw new InvalidInputException("--append and --shards: rebuild the sharded index instead.");
                    var set = Que2Engage.Retrieval.Sharding.ShardSet.Build(products, embedder, outDir, n, options,
                        (s, pr) => { if (pr.Done == pr.Total) o.WriteLine($"  shard {s}: {pr.Total:N0} products ({pr.DocsPerSecond:F0} docs/s)"); });
                    o.WriteLine($"wrote {outDir}: {set.ProductsPerShard.Sum():N0} products in {n} shards ({string.Join(", ", set.ProductsPerShard.Select(c => c.ToString("N0")))}), " +
                                $"{set.VectorKind} vectors of dimension {set.Dimension}");
                    return 0;
                }
                bool live = ReferenceEquals(o, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
                var manifest = IndexProgress.Run(o, live, progress => p.GetValue(append)
                    ? CatalogIndex.Append(outDir, products, embedder, options, progress)
                    : CatalogIndex.Build(products, embedder, outDir, options, progress));
                o.WriteLine($"{(p.GetValue(append) ? "appended to" : "wrote")} {outDir}: {manifest.Products:N0} products, {manifest.VectorKind}" +
                            $"{(manifest.Quantization is { } qz ? " (" + qz + ")" : "")} vectors of dimension {manifest.Dimension}, " +
                            $"embedding {manifest.EmbedSeconds:F1} s ({products.Count / Math.Max(1e-9, manifest.EmbedSeconds):F0} docs/s), " +
                            $"vector indexing {manifest.IndexSeconds:F1} s ({options.Threads} thread{(options.Threads == 1 ? "" : "s")}), " +
                            $"peak memory {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
            }
            finally
            {
                (embedder as IDisposable)?.Dispose();
            }
            return 0;
        }));
        return cmd;
    }

    private static int Repair(string indexDir, TextWriter o)
    {
        var r = CatalogIndex.RepairWriteLog(indexDir);
        if (r.DamagedCopy is null)
        {
            o.WriteLine($"{r.Path}: no damage found ({r.RecordsKept:N0} records); nothing changed.");
            return 0;
        }
        o.WriteLine($"{r.Path}: repaired: kept {r.RecordsKept:N0} records, dropped {r.Dropped.Count} damaged region(s):");
        foreach (var d in r.Dropped) o.WriteLine($"  {d}");
        o.WriteLine($"the damaged log is kept as {r.DamagedCopy}");
        return 0;
    }

    /// <summary>Offline upserts and deletes (<see cref="OfflineIndexWrites"/>).</summary>
    private static int UpsertDelete(string indexDir, string? upsertFile, string? deleteIds, string? modelDir, ModelLoader loadModel, TextWriter o)
    {
        var products = upsertFile is null ? [] : DataFiles.ReadProducts(upsertFile);
        var ids = (deleteIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (products.Count == 0 && ids.Length == 0) throw new InvalidInputException("nothing to do: --upsert names an empty file and --delete no ids.");
        var r = OfflineIndexWrites.Apply(indexDir, products, ids, manifest => loadModel(modelDir ?? manifest.ModelPath
            ?? throw new InvalidInputException("The index does not record its model; pass --model to embed the upserted listings.")));
        o.WriteLine($"{indexDir}: upserted {r.Upserted:N0} ({r.Replaced:N0} replaced), deleted {r.Deleted:N0}" +
                    (r.Missing > 0 ? $" ({r.Missing:N0} ids were not in the index)" : "") + $"; {r.Listings:N0} listings now");
        return 0;
    }
}
