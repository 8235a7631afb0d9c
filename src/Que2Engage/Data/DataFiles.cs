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

    /// <summary>The folder of the prepared training data a data directory may hold (Training.Cache.TrainingCache).</summary>
    public const string TrainingCacheDirectory = ".training-cache";

    /// <summary>
    /// The simulated world's truth beside a generated data directory's tables (written and read by Simulation's
    /// World; named here because a data directory lists it among its side files and import refuses to overwrite it).
    /// </summary>
    public const string WorldFile = "world.json";

    /// <summary>The files every data directory may hold besides its tables.</summary>
    public static readonly string[] SideFiles = [WorldFile, "import.json"];

    /// <summary>The data files (tables, world.json, import.json) present in <paramref name="dir"/>, relative, "/"-separated.</summary>
    public static List<string> DataEntries(string dir)
    {
        var found = new List<string>();
        if (!Directory.Exists(dir)) return found;
        foreach (var stem in new[] { ProductsStem, TrainImpressionsStem, EvalImpressionsStem, RelevanceStem })
            foreach (var ext in new[] { ".parquet", ".jsonl" })
                if (File.Exists(Path.Combine(dir, stem + ext))) found.Add(stem + ext);
        foreach (var stem in new[] { TrainImpressionsStem, EvalImpressionsStem })
            foreach (var rel in FindPartsOrNone(dir, stem).Select(p => Path.GetRelativePath(dir, p).Replace('\\', '/')))
                if (!found.Contains(rel)) found.Add(rel);
        foreach (var side in SideFiles)
            if (File.Exists(Path.Combine(dir, side))) found.Add(side);
        return found;
    }

    /// <summary>
    /// Checks that a whole data directory may be written at <paramref name="dir"/>: it must not exist, be empty, or —
    /// with <paramref name="overwrite"/> — be a data directory holding nothing but data files (so replacing it can
    /// never delete anything else, such as a model trained into it). The errors name the switch as
    /// <paramref name="overwriteSetting"/> (the caller's options property, e.g. "GenerationOptions.Overwrite", listed in
    /// <see cref="Que2EngageException.Settings"/>).
    /// </summary>
    public static void CheckReplaceable(string dir, bool overwrite, string overwriteSetting = "Overwrite")
    {
        string[] settings = overwriteSetting.Contains('.') ? [overwriteSetting] : [];
        if (File.Exists(dir)) throw new InvalidInputException($"{dir}: exists and is a file, not a data directory");
        if (!Directory.Exists(dir) || !Directory.EnumerateFileSystemEntries(dir).Any()) return;
        var data = DataEntries(dir);
        if (data.Count == 0)
            throw new InvalidInputException($"{dir}: exists, is not empty and is not a data directory; refusing to replace it (choose a new or empty directory)");
        if (!overwrite)
            throw new InvalidInputException($"{dir}: already holds a data directory ({string.Join(", ", data)}); pass {overwriteSetting} to replace it")
                { Settings = settings };
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stem in new[] { ProductsStem, TrainImpressionsStem, EvalImpressionsStem, RelevanceStem })
            foreach (var ext in new[] { ".parquet", ".jsonl" }) known.Add(stem + ext);
        known.UnionWith(SideFiles);
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            // Tables, side files and the temp-file leftovers of an interrupted writer (today "<table>.tmp-…", before
            // "<table>.tmp") are data; anything else is not ours.
            string rel = Path.GetRelativePath(dir, file).Replace('\\', '/');
            int marker = rel.LastIndexOf(Common.AtomicFile.TempMarker, StringComparison.Ordinal);
            bool leftover = (rel.EndsWith(".tmp", StringComparison.Ordinal) && known.Contains(rel[..^4]))
                || (marker > 0 && known.Contains(rel[..marker]));
            bool part = new[] { TrainImpressionsStem, EvalImpressionsStem }.Any(stem =>
                rel.StartsWith(stem + "-", StringComparison.Ordinal) && (rel.EndsWith(".parquet", StringComparison.Ordinal) || rel.EndsWith(".jsonl", StringComparison.Ordinal)));
            // The training cache (Training.Cache.TrainingCache) is derived from the data and goes with it.
            bool cache = rel.StartsWith(TrainingCacheDirectory + "/", StringComparison.Ordinal);
            if (!known.Contains(rel) && !leftover && !part && !cache)
                throw new InvalidInputException($"{dir}: holds {rel}, which is not part of a data directory; refusing to replace the directory even with {overwriteSetting}")
                    { Settings = settings };
        }
    }

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

    /// <summary>
    /// The files of a table that may arrive in parts: <c>STEM.parquet|jsonl</c>, or <c>STEM-*.parquet|jsonl</c> (e.g. a
    /// log in daily parts) in ordinal order of their names; empty when there is none. A whole file beside parts is an
    /// error (which one is meant is unclear).
    /// </summary>
    public static List<string> FindParts(string dataDir, string relativeStem)
    {
        var whole = Find(dataDir, relativeStem);
        string folder = Path.GetDirectoryName(Path.Combine(dataDir, relativeStem))!;
        string name = Path.GetFileName(relativeStem);
        var parts = !Directory.Exists(folder) ? [] : Directory.EnumerateFiles(folder, name + "-*")
            .Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (whole is not null && parts.Count > 0)
            throw new InvalidInputException($"{dataDir}: both {Path.GetRelativePath(dataDir, whole)} and {parts.Count} part(s) {relativeStem}-*.parquet|jsonl exist; keep one form");
        return whole is not null ? [whole] : parts;
    }

    private static List<string> FindPartsOrNone(string dir, string stem)
    {
        try { return FindParts(dir, stem); }
        catch (InvalidInputException) { return []; }
    }

    /// <summary>Streams a catalog's valid rows with unique ids (the one-image-dimension rule is the caller's: it needs every row).</summary>
    /// <param name="onRejectedId">Told the id of each row that failed its checks, so references to it can be reported as such.</param>
    internal static void ForEachProduct(string path, ProblemSink sink, Action<Product, long> onProduct, Action<string>? onRejectedId = null)
    {
        var firstRowOfId = new Dictionary<string, long>(StringComparer.Ordinal);
        TableReader.ForEach(path, TableSpec.Products, RowMappers.Product, sink, (p, row) =>
        {
            if (firstRowOfId.TryAdd(p.ProductId, row)) onProduct(p, row);
            else sink.RowProblem(row, ProductColumns.ProductId, $"duplicate product_id '{p.ProductId}' (first at row {firstRowOfId[p.ProductId]})");
        }, raw =>
        {
            try { if (raw.String(ProductColumns.ProductId, required: false) is { } id) onRejectedId?.Invoke(id); }
            catch (RowProblemException) { /* the id itself is unreadable */ }
        });
    }

    /// <summary>Streams an impression table's valid rows.</summary>
    internal static void ForEachImpression(string path, ProblemSink sink, Action<Impression, long> onImpression) =>
        TableReader.ForEach(path, TableSpec.Impressions, RowMappers.Impression, sink, onImpression);

    /// <summary>Reads a catalog; also enforces unique product ids and one image dimension (the most common one).</summary>
    public static List<Product> ReadProducts(string path, ReadOptions? options = null, ReadReport? report = null) =>
        ReadProducts(path, new ProblemSink(path, options ?? ReadOptions.Strict, report ?? new ReadReport()), rejectedIds: null);

    /// <param name="rejectedIds">Collects the ids of rows skipped as invalid (lenient), so references to them can be
    /// reported as such rather than as unknown ids.</param>
    internal static List<Product> ReadProducts(string path, ProblemSink sink, HashSet<string>? rejectedIds)
    {
        var firstRowOfId = new Dictionary<string, long>(StringComparer.Ordinal);
        bool Unique(Product p, long row)
        {
            if (firstRowOfId.TryAdd(p.ProductId, row)) return true;
            sink.RowProblem(row, ProductColumns.ProductId, $"duplicate product_id '{p.ProductId}' (first at row {firstRowOfId[p.ProductId]})");
            return false;
        }
        void Rejected(IRawRow raw)
        {
            try { if (raw.String(ProductColumns.ProductId, required: false) is { } id) rejectedIds?.Add(id); }
            catch (RowProblemException) { /* the id itself is unreadable */ }
        }
        var read = TableReader.Read(path, TableSpec.Products, RowMappers.Product, sink, Unique, Rejected);
        return EnforceOneImageDimension(read, sink, rejectedIds);
    }

    static List<Product> EnforceOneImageDimension(TableReader.Result<Product> read, ProblemSink sink, HashSet<string>? rejectedIds)
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
                rejectedIds?.Add(p.ProductId);
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
