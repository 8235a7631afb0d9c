namespace Que2Engage.Data.Import;

/// <summary>
/// Writes an imported data directory. Tables stream into a staging folder inside the output directory and are
/// moved into place only by <see cref="Commit"/>, so a failed import leaves no half-built data directory behind.
/// Routes each pair by split (DESIGN §2):
/// <list type="bullet">
/// <item>train: <c>train/impressions</c> — the source's engaged flag, or, without one, engaged = (rating == 2), so
/// the contrastive objective has positives;</item>
/// <item>eval: <c>eval/impressions</c> when the source has engagement, <c>eval/relevance</c> when it has ratings.</item>
/// </list>
/// A missing session becomes the query; a missing position is the row's order within its session.
/// </summary>
internal sealed class ImportOutput : IDisposable
{
    const string StagingName = ".import-staging";
    readonly string _outDir, _staging;
    readonly bool _hasEngagement, _hasRating, _createdOutDir;
    readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
    ITableWriter<Impression>? _train, _evalImpressions;
    ITableWriter<RelevanceJudgment>? _relevance;
    bool _committed;

    public ITableWriter<Product> Products { get; }
    public long TrainImpressions { get; private set; }
    public long TrainEngaged { get; private set; }
    public long EvalImpressions { get; private set; }
    public long EvalEngaged { get; private set; }
    public long[] EvalRatingCounts { get; } = new long[3];
    public long EvalRelevance => EvalRatingCounts.Sum();

    /// <exception cref="InvalidInputException">The output directory already holds a data directory.</exception>
    public ImportOutput(string outDir, bool hasEngagement, bool hasRating)
    {
        _outDir = outDir;
        _hasEngagement = hasEngagement;
        _hasRating = hasRating;
        foreach (var stem in new[] { DataFiles.ProductsStem, DataFiles.TrainImpressionsStem, DataFiles.EvalImpressionsStem, DataFiles.RelevanceStem })
            foreach (var ext in new[] { ".parquet", ".jsonl" })
                if (File.Exists(Path.Combine(outDir, stem + ext)))
                    throw new InvalidInputException($"{outDir}: already holds {stem}{ext}; import into an empty or new directory");
        if (File.Exists(Path.Combine(outDir, DataFiles.WorldFile)))
            throw new InvalidInputException($"{outDir}: already holds world.json (a simulated data directory); import into an empty or new directory");
        _staging = Path.Combine(outDir, StagingName);
        _createdOutDir = !Directory.Exists(outDir);
        try
        {
            if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
            Directory.CreateDirectory(_staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{outDir}: cannot create the output directory: {e.Message}", e);
        }
        Products = DataWriters.Products(Staged(DataFiles.ProductsStem));
    }

    string Staged(string stem) => Path.Combine(_staging, stem + ".parquet");

    public void Write(ImportedPair pair, bool eval)
    {
        string session = pair.SessionId ?? pair.Query;
        int position = pair.Position ?? NextPosition(session, pair.Query);
        if (!eval)
        {
            bool? engaged = _hasEngagement ? pair.Engaged : pair.Rating is int r ? r == 2 : null;
            if (engaged is null) return;
            (_train ??= DataWriters.Impressions(Staged(DataFiles.TrainImpressionsStem)))
                .Write(new Impression(session, pair.Query, pair.ProductId, position, engaged.Value));
            TrainImpressions++;
            if (engaged.Value) TrainEngaged++;
            return;
        }
        if (_hasEngagement && pair.Engaged is bool e)
        {
            (_evalImpressions ??= DataWriters.Impressions(Staged(DataFiles.EvalImpressionsStem)))
                .Write(new Impression(session, pair.Query, pair.ProductId, position, e));
            EvalImpressions++;
            if (e) EvalEngaged++;
        }
        if (_hasRating && pair.Rating is int rating)
        {
            (_relevance ??= DataWriters.Relevance(Staged(DataFiles.RelevanceStem)))
                .Write(new RelevanceJudgment(pair.Query, pair.ProductId, rating));
            EvalRatingCounts[rating]++;
        }
    }

    int NextPosition(string session, string query)
    {
        string key = session + "\n" + query;
        int next = _positions.GetValueOrDefault(key) + 1;
        _positions[key] = next;
        return next;
    }

    /// <summary>Publishes every table into the output directory; returns their paths relative to it.</summary>
    public List<string> Commit()
    {
        Products.Dispose();
        _train?.Dispose();
        _evalImpressions?.Dispose();
        _relevance?.Dispose();
        var published = new List<string>();
        foreach (var stem in new[] { DataFiles.ProductsStem, DataFiles.TrainImpressionsStem, DataFiles.EvalImpressionsStem, DataFiles.RelevanceStem })
        {
            var staged = Staged(stem);
            if (!File.Exists(staged)) continue;
            var final = Path.Combine(_outDir, stem + ".parquet");
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(staged, final, overwrite: false);
            published.Add(stem + ".parquet");
        }
        _committed = true;
        DeleteStaging();
        return published;
    }

    /// <summary>
    /// Refuses an import that found no product in <paramref name="file"/> (a header-only CSV, every row filtered or
    /// skipped): its data directory would hold an empty products table, which <c>validate</c> and <c>train</c> refuse,
    /// so the import fails now, naming the file, and <see cref="Dispose"/> leaves nothing behind.
    /// </summary>
    public static void RequireProducts(ProductCatalog catalog, string file, long rowsRead)
    {
        if (catalog.Count > 0) return;
        throw new InvalidInputException(rowsRead == 0
            ? $"{file}: no data rows (empty, or a header only): nothing to import, nothing written"
            : $"{file}: none of its {rowsRead} rows gave a product (all filtered or skipped): nothing to import, nothing written");
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (IDisposable? w in new IDisposable?[] { Products, _train, _evalImpressions, _relevance })
        {
            try { w?.Dispose(); } catch (Que2EngageException) { /* discarded with the staging folder */ }
        }
        DeleteStaging();
        // A failed import into a directory it created leaves no empty directory either.
        try { if (_createdOutDir && Directory.Exists(_outDir) && !Directory.EnumerateFileSystemEntries(_outDir).Any()) Directory.Delete(_outDir); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    void DeleteStaging()
    {
        try { if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
