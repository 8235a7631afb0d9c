namespace Que2Engage.Data.Import;

/// <summary>
/// Imports a generic search log: one row per shown and/or rated (query, product) pair, carrying the product's own
/// fields, columns named by a <see cref="LogColumnMapping"/>. Two streaming passes: the first checks every row,
/// writes each product once (first row of an id wins) and collects the distinct queries; the second, after the
/// split by query, writes the pairs.
/// </summary>
public static class LogImporter
{
    public static ImportReport Import(string inputPath, LogColumnMapping columns, ImportSettings settings)
    {
        settings.Validate();
        columns.Validate();
        var entries = columns.Entries().Where(e => e.Column is not null).ToList();
        var source = SourceTable.Open(inputPath, entries.Select(e => e.Column!).ToList());
        source.RequireColumns(entries.Select(e => (e.Column!, e.Setting)));

        bool hasEngagement = columns.Engaged is not null, hasRating = columns.Rating is not null;
        var report = new ImportReport
        {
            Format = Path.GetExtension(inputPath).TrimStart('.').ToLowerInvariant() + " log",
            Sources = [inputPath],
            Mapping = Mapping(columns),
            Seed = settings.Seed,
            EvalFraction = settings.EvalFraction,
            Lenient = settings.Lenient,
            Filter = columns.Rating is not null && columns.RatingMap.CanDrop ? $"pairs whose rating the map '{columns.RatingMap.Spec}' drops" : null,
        };

        using var output = new ImportOutput(settings.OutDir, hasEngagement, hasRating);
        var catalog = new ProductCatalog();
        var queries = new HashSet<string>(StringComparer.Ordinal);
        var read = new ReadReport();
        var sink = new ProblemSink(inputPath, settings.ReadOptions, read);
        long rows = source.Read(sink, (row, raw) =>
        {
            if (Parse(raw, columns, row, sink) is not var (product, pair)) return;
            if (pair.Rating == RatingMap.Drop) { report.RowsFiltered++; return; }
            if (catalog.Add(product, inputPath, row))
            {
                output.Products.Write(product);
                if (product.Title.Length == 0) report.ProductsWithoutTitle++;
            }
            queries.Add(pair.Query);
        });
        report.RowsRead[inputPath] = rows;
        ImportOutput.RequireProducts(catalog, inputPath, rows);
        report.AddReadProblems(read);

        var split = QuerySplit.Create(queries, settings.EvalFraction, settings.Seed);
        var silent = ImportSettings.Silent(inputPath);
        source.Read(silent, (row, raw) =>
        {
            if (Parse(raw, columns, row, silent) is var (_, pair) && pair.Rating != RatingMap.Drop) output.Write(pair, split.IsEval(pair.Query));
        });

        FillCounts(report, output, catalog, split);
        Explain(report, columns);
        report.ExplainMetrics(hasEngagement, hasRating);
        report.Files.AddRange(output.Commit());
        ImportFiles.WriteReport(settings.OutDir, report);
        return report;
    }

    /// <summary>Maps one row; on a problem reports it (strict: throws) and returns null.</summary>
    static (Product, ImportedPair)? Parse(ISourceRow raw, LogColumnMapping c, long row, ProblemSink sink)
    {
        try
        {
            string query = FieldParsers.Required(raw, c.Query);
            string id = FieldParsers.Required(raw, c.ProductId);
            var product = new Product
            {
                ProductId = id,
                Title = raw.Text(c.Title)?.Trim() ?? "",
                Description = c.Description is null ? "" : raw.Text(c.Description)?.Trim() ?? "",
                Category = c.Category is null ? null : raw.Text(c.Category)?.Trim() is { Length: > 0 } cat ? cat : null,
                Language = (c.Language is null ? null : raw.Text(c.Language)?.Trim()) ?? c.LanguageValue,
                Price = FieldParsers.Number(raw, c.Price) ?? 0,
                Condition = FieldParsers.Condition(raw, c.Condition),
                SellerRating = FieldParsers.Number(raw, c.SellerRating),
                SellerRatingCount = FieldParsers.Integer(raw, c.SellerRatingCount) ?? 0,
                PhotoCount = FieldParsers.Integer(raw, c.PhotoCount) ?? 0,
                ListingAgeDays = FieldParsers.Number(raw, c.ListingAgeDays) ?? 0,
                DistanceKm = FieldParsers.Number(raw, c.DistanceKm),
            };
            if (RowRules.Check(product) is { } bad) throw new RowProblemException(bad with { Field = SourceField(c, bad.Field) });
            var pair = new ImportedPair(
                query, id,
                c.Session is null ? null : FieldParsers.Required(raw, c.Session),
                c.Position is null ? null : Position(raw, c.Position),
                c.Engaged is null ? null : FieldParsers.Engaged(raw, c.Engaged),
                c.Rating is null ? null : c.RatingMap.Grade(raw, c.Rating));
            return (product, pair);
        }
        catch (RowProblemException e)
        {
            sink.RowProblem(row, e.Field, e.Message);
            return null;
        }
    }

    static int Position(ISourceRow raw, string column)
    {
        int p = FieldParsers.Integer(raw, column) ?? throw FieldParsers.Problem(column, "required value is missing or empty");
        return p >= 1 ? p : throw FieldParsers.Problem(column, $"position must be >= 1, got {p}");
    }

    /// <summary>Names the source column in a schema-rule problem, so the user can find it in their file.</summary>
    static string SourceField(LogColumnMapping c, string schemaField) =>
        c.Entries().FirstOrDefault(e => e.Field == schemaField).Column ?? schemaField;

    static Dictionary<string, string> Mapping(LogColumnMapping c)
    {
        var map = new Dictionary<string, string>();
        foreach (var (field, column, _) in c.Entries())
            if (column is not null) map[field] = $"column '{column}'";
        if (c.Language is null) map["language"] = $"constant '{c.LanguageValue}'";
        if (c.Rating is not null) map["rating"] += $" mapped by '{c.RatingMap.Spec}'";
        map.TryAdd("session_id", "the query (no session column)");
        map.TryAdd("position", "row order within the session (no position column)");
        foreach (var (field, unknown) in Unknowns)
            map.TryAdd(field, unknown);
        return map;
    }

    internal static readonly (string Field, string Unknown)[] Unknowns =
    [
        ("description", "empty"), ("category", "null"), ("price", "0 (unknown)"), ("condition", "unknown"),
        ("seller_rating", "null"), ("seller_rating_count", "0"), ("photo_count", "0"), ("listing_age_days", "0"),
        ("distance_km", "null"), ("image_embeddings", "none (no image modality)"),
    ];

    static void Explain(ImportReport report, LogColumnMapping c)
    {
        if (c.Engaged is null)
            report.Derived.Add("train/impressions.engaged = (rating == 2): the log has no engagement, so exact matches are the positives; train with the contrastive objective, or multitask, which learns the ratings (not engagement) and, on graded relevance data, scores best (RESULTS.md, Home Depot)");
        if (c.Engaged is not null && c.Rating is not null)
            report.Derived.Add("ratings of train-split pairs are not written (the schema keeps ratings for evaluation only)");
        if (c.Session is null) report.Derived.Add("session_id = the query");
        if (c.Position is null) report.Derived.Add("position = row order within the session");
    }

    internal static void FillCounts(ImportReport report, ImportOutput output, ProductCatalog catalog, QuerySplit split)
    {
        report.Products = catalog.Count;
        report.DuplicateProductRows = catalog.DuplicateRows;
        report.ConflictingProductRows = catalog.ConflictingRows;
        report.ConflictExamples.AddRange(catalog.ConflictExamples);
        report.TrainQueries = split.TrainQueries;
        report.EvalQueries = split.EvalQueries;
        report.TrainImpressions = output.TrainImpressions;
        report.TrainEngaged = output.TrainEngaged;
        report.EvalImpressions = output.EvalImpressions;
        report.EvalEngaged = output.EvalEngaged;
        report.EvalRatings = (long[])output.EvalRatingCounts.Clone();
    }
}
