using System.Diagnostics;
using System.Text.Json;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Training.Cache;

/// <summary>
/// The prepared training data of a data directory: built on first use into DATA/.training-cache/&lt;featurisation&gt;/
/// (a staging folder renamed into place when complete, so a half-built cache is never seen), reused while the data
/// files' checksums and the model's featurisation are unchanged, rebuilt when either changed or a section's checksum
/// fails.
/// <para>
/// Format: a documented flat layout of our own (cache.json plus one raw little-endian array per section, see
/// <see cref="CacheSections"/>) rather than Arrow IPC. The trainer reads a batch's rows at random positions of tables
/// larger than memory; memory-mapping flat arrays does that in place with no dependency, and numpy.memmap or any
/// language reads them from the header's counts. Apache.Arrow for .NET (23.0) reads IPC record batches into its own
/// buffers, so random access over a 30M-row table would mean holding it or re-reading whole batches.
/// </para>
/// </summary>
public static class TrainingCache
{
    public const string DirectoryName = DataFiles.TrainingCacheDirectory;

    /// <summary>
    /// What the cached token and trigram ids depend on: the tokenizer settings and the two length budgets (the image
    /// dimension and context statistics come from the data itself; MaxImages is applied when a batch is read).
    /// </summary>
    public static string FeaturizationOf(ModelConfig config) => JsonSerializer.Serialize(new
    {
        tokenizer = config.Tokenizer,
        doc_max_tokens = config.DocMaxTokens,
        query_max_tokens = config.QueryMaxTokens,
    }, ModelStore.Json).ReplaceLineEndings("").Replace("  ", "");

    /// <summary>The cache folder of <paramref name="dataDir"/> for one featurisation.</summary>
    public static string DirectoryFor(string dataDir, ModelConfig config) =>
        Path.Combine(dataDir, DirectoryName, StableHash.Fnv1a64(FeaturizationOf(config)).ToString("x16"));

    /// <summary>
    /// The training set of <paramref name="dataDir"/> (products and train/impressions*, Parquet or JSONL) featurised
    /// for <paramref name="config"/>: the cache when it is current and intact, else built (strict: the first bad row
    /// stops it with file:row: field; lenient: bad rows are skipped and counted in <see cref="TrainingCacheHeader.SkippedRows"/>).
    /// <paramref name="log"/> hears why a cache is rebuilt; <paramref name="progress"/> the build's stages.
    /// </summary>
    public static TrainingSet Open(string dataDir, ModelConfig config, ReadOptions read,
        Action<string>? log = null, IProgress<CacheProgress>? progress = null)
    {
        if (!System.IO.Directory.Exists(dataDir)) throw new InvalidInputException($"{dataDir}: data directory not found");
        var productsPath = DataFiles.Find(dataDir, DataFiles.ProductsStem)
            ?? throw new InvalidInputException($"{dataDir}: no products.parquet or products.jsonl in the data directory");
        var impressionPaths = DataFiles.FindParts(dataDir, DataFiles.TrainImpressionsStem);
        if (impressionPaths.Count == 0)
            throw new InvalidInputException($"{dataDir}: no training impressions (train/impressions.parquet|jsonl, or train/impressions-*.parquet|jsonl)");
        var files = new List<string> { productsPath };
        files.AddRange(impressionPaths);
        var clock = Stopwatch.StartNew();
        progress?.Report(new CacheProgress("checking data", 0, files.Count));
        var sources = files.Select((f, i) =>
        {
            var source = new CacheSource(Path.GetRelativePath(dataDir, f).Replace('\\', '/'), new FileInfo(f).Length, FileChecksum.Compute(f));
            progress?.Report(new CacheProgress("checking data", i + 1, files.Count));
            return source;
        }).ToList();
        string featurization = FeaturizationOf(config);
        string target = DirectoryFor(dataDir, config);
        var checksums = clock.Elapsed;

        if (System.IO.Directory.Exists(target))
        {
            string? why = null;
            try
            {
                var header = TrainingSet.ReadHeader(target);
                if (header.Featurization != featurization) why = "it was made with another featurisation";
                else if (!header.Sources.SequenceEqual(sources)) why = "the data files changed since it was built";
                else if (header.Lenient && !read.Lenient && header.SkippedRows.Values.Sum() > 0) why = "it was built with --lenient and skipped rows";
                else
                {
                    var set = TrainingSet.Open(target, header);
                    log?.Invoke($"training cache: {target} (built before; data and cache checked in {clock.Elapsed.TotalSeconds:F1} s)");
                    return set;
                }
            }
            catch (InvalidDataException e) { why = e.Message; }
            catch (IOException e) { why = e.Message; }
            log?.Invoke($"training cache: rebuilding {target}: {why}");
        }
        var phases = new List<string> { $"data checksums {checksums.TotalSeconds:F1} s" };
        Build(target, config, featurization, sources, BuildFromFiles(dataDir, productsPath, impressionPaths, read, progress, phases), read.Lenient);
        log?.Invoke($"training cache: built {target} in {clock.Elapsed.TotalSeconds:F1} s ({string.Join(", ", phases)})");
        return TrainingSet.Open(target, verify: false);
    }

    /// <summary>
    /// A training set of rows already in memory (a library caller's lists), built into a temporary folder deleted
    /// when the set is disposed. Impressions without a query or naming a product not in the catalogue are skipped
    /// and counted (<see cref="TrainingCacheHeader.UnusableImpressions"/>).
    /// </summary>
    public static TrainingSet FromRows(IReadOnlyList<Product> products, IReadOnlyList<Impression> impressions, ModelConfig config)
    {
        string target = Path.Combine(Path.GetTempPath(), "que2engage-training", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        Build(target, config, FeaturizationOf(config), [], builder =>
        {
            long row = 0;
            foreach (var p in products) builder.Add(p, ++row);
            builder.FinishProducts(odd => throw new InvalidInputException(
                $"product '{odd.ProductId}': image_embeddings has a vector of dim {odd.Dimension}, the catalogue's is {odd.CatalogueDimension}"));
            foreach (var i in impressions) builder.Add(i);
            return new SortedDictionary<string, long>();
        }, lenient: false);
        var set = TrainingSet.Open(target, verify: false);
        set.DeleteOnDispose = true;
        return set;
    }

    private static void Build(string target, ModelConfig config, string featurization, IReadOnlyList<CacheSource> sources,
        Func<TrainingCacheBuilder, SortedDictionary<string, long>> fill, bool lenient)
    {
        StagingDirectory.Build(target, "building", staging =>
        {
            var featurizer = new Featurizer(config with { ImageDim = 0 }, new ContextStatistics());
            using var builder = new TrainingCacheBuilder(staging, featurizer);
            var skipped = fill(builder);
            return builder.Finish(featurization, sources, lenient, skipped);
        });
    }

    private static Func<TrainingCacheBuilder, SortedDictionary<string, long>> BuildFromFiles(string dataDir, string productsPath,
        IReadOnlyList<string> impressionPaths, ReadOptions read, IProgress<CacheProgress>? progress, List<string> phases) => builder =>
    {
        var report = new ReadReport();
        var productSink = new ProblemSink(productsPath, read, report);
        var clock = Stopwatch.StartNew();
        DataFiles.ForEachProduct(productsPath, productSink, (p, row) =>
        {
            builder.Add(p, row);
            if (builder.Products % 10_000 == 0) progress?.Report(new CacheProgress("products", builder.Products, null));
        }, builder.Reject);
        progress?.Report(new CacheProgress("products", builder.Products, builder.Products));
        if (report.RowsCheckedByFile.GetValueOrDefault(productsPath) == 0)
            throw new DataFormatException(productsPath, null, null, "the products file is empty (no rows)");
        phases.Add($"{builder.Products:N0} products {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        builder.FinishProducts(odd => productSink.RowProblem(odd.Row, ProductColumns.ImageEmbeddings,
            $"image dimension {odd.Dimension} differs from the catalog's {odd.CatalogueDimension}"));
        string productsFile = Path.GetFileName(productsPath);
        long impressions = 0;
        foreach (var path in impressionPaths)
        {
            var sink = new ProblemSink(path, read, report);
            DataFiles.ForEachImpression(path, sink, (i, row) =>
            {
                switch (builder.Add(i))
                {
                    case TrainingCacheBuilder.Outcome.UnknownProduct:
                        sink.RowProblem(row, ImpressionColumns.ProductId, $"unknown product_id '{i.ProductId}' (not in {productsFile})");
                        break;
                    case TrainingCacheBuilder.Outcome.RejectedProduct:
                        sink.RowProblem(row, ImpressionColumns.ProductId, $"product_id '{i.ProductId}' refers to a product row skipped as invalid");
                        break;
                }
                if (++impressions % 100_000 == 0) progress?.Report(new CacheProgress("impressions", impressions, null));
            });
        }
        progress?.Report(new CacheProgress("impressions", impressions, impressions));
        phases.Add($"{impressions:N0} impressions {clock.Elapsed.TotalSeconds:F1} s");
        return new SortedDictionary<string, long>(report.SkippedRowsByFile.ToDictionary(
            kv => Path.GetRelativePath(dataDir, kv.Key).Replace('\\', '/'), kv => kv.Value), StringComparer.Ordinal);
    };
}

/// <summary>A stage of building a training cache: rows done so far, of <paramref name="Total"/> when known.</summary>
public sealed record CacheProgress(string Stage, long Done, long? Total);
