namespace Que2Engage.Data;

/// <summary>
/// Locates and reads the tables of a data directory (DESIGN §2). Every reader validates each row; strict mode
/// throws the first problem as a <see cref="DataFormatException"/>, lenient mode skips bad rows and records them in
/// the <see cref="ReadReport"/>. Problems with the whole file (unreadable, missing/mistyped column) throw in both modes.
/// </summary>
public static class DataFiles
{
    public const string ProductsStem = "products";
    public const string TrainImpressionsStem = "train/impressions";
    public const string EvalImpressionsStem = "eval/impressions";
    public const string RelevanceStem = "eval/relevance";

    /// <summary>The .parquet or .jsonl file for a stem, null if neither exists; both existing is an error.</summary>
    public static string? Find(string dataDir, string relativeStem)
    {
        var parquet = Path.Combine(dataDir, relativeStem + ".parquet");
        var jsonl = Path.Combine(dataDir, relativeStem + ".jsonl");
        bool hasParquet = File.Exists(parquet), hasJsonl = File.Exists(jsonl);
        if (hasParquet && hasJsonl)
            throw new InvalidInputException($"{dataDir}: both {relativeStem}.parquet and {relativeStem}.jsonl exist; keep only one");
        return hasParquet ? parquet : hasJsonl ? jsonl : null;
    }

    /// <summary>Reads a catalog; also enforces unique product ids and one image dimension (the most common one).</summary>
    public static List<Product> ReadProducts(string path, ReadOptions? options = null, ReadReport? report = null)
    {
        var sink = new ProblemSink(path, options ?? ReadOptions.Strict, report ?? new ReadReport());
        var firstRowOfId = new Dictionary<string, long>(StringComparer.Ordinal);
        bool Unique(Product p, long row)
        {
            if (firstRowOfId.TryAdd(p.ProductId, row)) return true;
            sink.RowProblem(row, ProductColumns.ProductId, $"duplicate product_id '{p.ProductId}' (first at row {firstRowOfId[p.ProductId]})");
            return false;
        }
        var read = TableReader.Read(path, TableSpec.Products, RowMappers.Product, sink, Unique);
        return EnforceOneImageDimension(read, sink);
    }

    static List<Product> EnforceOneImageDimension(TableReader.Result<Product> read, ProblemSink sink)
    {
        int? dim = ImageDimensions.Majority(read.Rows);
        if (dim is null) return read.Rows;
        var kept = new List<Product>(read.Rows.Count);
        for (int i = 0; i < read.Rows.Count; i++)
        {
            var p = read.Rows[i];
            if (p.ImageEmbeddings.Length > 0 && p.ImageEmbeddings[0].Length != dim)
            {
                sink.RowProblem(read.RowNumbers[i], ProductColumns.ImageEmbeddings,
                    $"image dimension {p.ImageEmbeddings[0].Length} differs from the catalog's {dim}");
                continue;
            }
            kept.Add(p);
        }
        return kept;
    }

    public static List<Impression> ReadImpressions(string path, ReadOptions? options = null, ReadReport? report = null) =>
        ReadImpressionRows(path, new ProblemSink(path, options ?? ReadOptions.Strict, report ?? new ReadReport())).Rows;

    public static List<RelevanceJudgment> ReadRelevance(string path, ReadOptions? options = null, ReadReport? report = null) =>
        ReadRelevanceRows(path, new ProblemSink(path, options ?? ReadOptions.Strict, report ?? new ReadReport())).Rows;

    internal static TableReader.Result<Impression> ReadImpressionRows(string path, ProblemSink sink) =>
        TableReader.Read(path, TableSpec.Impressions, RowMappers.Impression, sink);

    internal static TableReader.Result<RelevanceJudgment> ReadRelevanceRows(string path, ProblemSink sink) =>
        TableReader.Read(path, TableSpec.Relevance, RowMappers.Relevance, sink);
}
