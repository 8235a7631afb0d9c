namespace Que2Engage.Data;

/// <summary>
/// All tables of one data directory, read and checked together. Only the catalog is required: train/eval
/// impressions and relevance ratings are empty when their files are absent (a catalog alone can be indexed).
/// Cross-file rules: every impression/relevance product_id must exist in the catalog (strict: error; lenient:
/// the row is skipped and counted), and all image embeddings share one dimension.
/// </summary>
public sealed class MarketplaceDataset
{
    public required IReadOnlyList<Product> Products { get; init; }
    public required IReadOnlyList<Impression> TrainImpressions { get; init; }
    public required IReadOnlyList<Impression> EvalImpressions { get; init; }
    public required IReadOnlyList<RelevanceJudgment> Relevance { get; init; }
    public required string Directory { get; init; }
    public required ReadReport Report { get; init; }

    /// <summary>Dimension of every image embedding in the catalog; null when no product has an image.</summary>
    public int? ImageDimension { get; init; }

    Dictionary<string, Product>? _byId;
    public IReadOnlyDictionary<string, Product> ProductsById =>
        _byId ??= Products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);

    public static MarketplaceDataset Load(string dataDir, ReadOptions? options = null) =>
        Load(dataDir, options ?? ReadOptions.Strict, new ReadReport(), collectFileErrors: false);

    /// <param name="collectFileErrors">
    /// Validator mode: a file-level error (unreadable file, missing column) is recorded in the report and that table
    /// is treated as empty, so every other file is still checked.
    /// </param>
    internal static MarketplaceDataset Load(string dataDir, ReadOptions options, ReadReport report, bool collectFileErrors)
    {
        if (!System.IO.Directory.Exists(dataDir)) throw new InvalidInputException($"{dataDir}: data directory not found");
        var productsPath = DataFiles.Find(dataDir, DataFiles.ProductsStem)
            ?? throw new InvalidInputException($"{dataDir}: no products.parquet or products.jsonl in the data directory");

        T OrEmpty<T>(Func<T> read, T empty, string file, out bool ok)
        {
            ok = true;
            if (!collectFileErrors) return read();
            try { return read(); }
            catch (DataFormatException e)
            {
                report.Add(DataProblem.From(e), options.MaxStoredProblems);
                ok = false;
                return empty;
            }
        }

        var rejectedIds = new HashSet<string>(StringComparer.Ordinal);
        var products = OrEmpty(() => DataFiles.ReadProducts(productsPath, new ProblemSink(productsPath, options, report), rejectedIds),
            new List<Product>(), productsPath, out bool catalogOk);
        if (catalogOk && report.RowsCheckedByFile.GetValueOrDefault(productsPath) == 0)
        {
            // An empty catalog makes every reference "unknown": say so once instead of once per impression.
            var empty = new DataFormatException(productsPath, null, null, "the products file is empty (no rows)");
            if (!collectFileErrors) throw empty;
            report.Add(DataProblem.From(empty), options.MaxStoredProblems);
            catalogOk = false;
        }
        var ids = new HashSet<string>(products.Select(p => p.ProductId), StringComparer.Ordinal);

        List<T> Linked<T>(string stem, Func<string, ProblemSink, TableReader.Result<T>> read, Func<T, string> productId)
        {
            var kept = new List<T>();
            foreach (var path in FindOrCollect(dataDir, stem, report, options, collectFileErrors))
                kept.AddRange(LinkedPart(path, read, productId));
            return kept;
        }

        List<T> LinkedPart<T>(string path, Func<string, ProblemSink, TableReader.Result<T>> read, Func<T, string> productId)
        {
            var sink = new ProblemSink(path, options, report);
            var result = OrEmpty(() => read(path, sink), new TableReader.Result<T>([], []), path, out _);
            if (!catalogOk) return result.Rows;   // unknown ids cannot be judged without a catalog
            var kept = new List<T>(result.Rows.Count);
            for (int i = 0; i < result.Rows.Count; i++)
            {
                var id = productId(result.Rows[i]);
                if (ids.Contains(id)) kept.Add(result.Rows[i]);
                else if (rejectedIds.Contains(id))
                    sink.RowProblem(result.RowNumbers[i], "product_id", $"product_id '{id}' refers to a product row skipped as invalid");
                else
                    sink.RowProblem(result.RowNumbers[i], "product_id", $"unknown product_id '{id}' (not in {Path.GetFileName(productsPath)})");
            }
            return kept;
        }

        var train = Linked(DataFiles.TrainImpressionsStem, DataFiles.ReadImpressionRows, r => r.ProductId);
        var eval = Linked(DataFiles.EvalImpressionsStem, DataFiles.ReadImpressionRows, r => r.ProductId);
        var relevance = Linked(DataFiles.RelevanceStem, DataFiles.ReadRelevanceRows, r => r.ProductId);

        return new MarketplaceDataset
        {
            Products = products,
            TrainImpressions = train,
            EvalImpressions = eval,
            Relevance = relevance,
            Directory = dataDir,
            Report = report,
            ImageDimension = ImageDimensions.Majority(products),
        };
    }

    /// <summary>The table's file, or its parts (<see cref="DataFiles.FindParts"/>); none when absent.</summary>
    static List<string> FindOrCollect(string dataDir, string stem, ReadReport report, ReadOptions options, bool collect)
    {
        if (!collect) return DataFiles.FindParts(dataDir, stem);
        try { return DataFiles.FindParts(dataDir, stem); }
        catch (InvalidInputException e)
        {
            report.Add(new DataProblem(Path.Combine(dataDir, stem + ".*"), 0, "", e.Message), options.MaxStoredProblems);
            return [];
        }
    }
}
