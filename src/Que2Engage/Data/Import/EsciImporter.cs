namespace Que2Engage.Data.Import;

/// <summary>
/// Imports the Amazon Shopping Queries Dataset (ESCI, Reddy et al. 2022). Products: title; description =
/// description, bullet points, brand and colour (one per line, those present); language from the locale; no
/// category, price 0, condition unknown and no seller rating unless ESCI-S style extra columns are present
/// (<see cref="EsciColumns"/>). Examples become relevance pairs with E = 2, S = C = 1, I = 0. ESCI has no engagement,
/// so the train split's pairs are written as impressions with engaged = (label E) and the eval split's as
/// eval/relevance. Streams both files; keeps the product-id fingerprints and the distinct queries in memory.
/// </summary>
public static class EsciImporter
{
    public static ImportReport Import(EsciImportOptions options, ImportSettings settings)
    {
        settings.Validate();
        var locale = string.IsNullOrWhiteSpace(options.Locale) ? null : options.Locale.Trim().ToLowerInvariant();
        var products = SourceTable.Open(options.ProductsPath, EsciColumns.ProductColumns);
        products.RequireColumns([(EsciColumns.ProductId, "the ESCI products file"), (EsciColumns.ProductTitle, "the ESCI products file")]);
        if (locale is not null) products.RequireColumns([(EsciColumns.ProductLocale, "EsciImportOptions.Locale")]);
        var examples = SourceTable.Open(options.ExamplesPath, EsciColumns.ExampleColumns);
        examples.RequireColumns([(EsciColumns.Query, "the ESCI examples file"), (EsciColumns.ProductId, "the ESCI examples file"),
            (EsciColumns.EsciLabel, "the ESCI examples file")]);
        if (options.SmallVersionOnly) examples.RequireColumns([(EsciColumns.SmallVersion, "EsciImportOptions.SmallVersionOnly")]);
        var extras = EsciProductMapper.FindExtras(products);

        var report = new ImportReport
        {
            Format = "esci",
            Sources = [options.ExamplesPath, options.ProductsPath],
            Mapping = EsciProductMapper.Mapping(extras),
            Seed = settings.Seed,
            EvalFraction = settings.EvalFraction,
            Lenient = settings.Lenient,
            Filter = Describe(locale, options.SmallVersionOnly),
        };

        using var output = new ImportOutput(settings.OutDir, hasEngagement: false, hasRating: true);
        var catalog = new ProductCatalog();
        var read = new ReadReport();

        // 1. Products of the locale, each id once.
        var productSink = new ProblemSink(options.ProductsPath, settings.ReadOptions, read);
        report.RowsRead[options.ProductsPath] = products.Read(productSink, (row, raw) =>
        {
            if (locale is not null && !string.Equals(raw.Text(EsciColumns.ProductLocale)?.Trim(), locale, StringComparison.OrdinalIgnoreCase))
            {
                report.RowsFiltered++;
                return;
            }
            Product product;
            try { product = EsciProductMapper.Map(raw, extras); }
            catch (RowProblemException e) { productSink.RowProblem(row, e.Field, e.Message); return; }
            if (!catalog.Add(product, options.ProductsPath, row)) return;
            output.Products.Write(product);
            if (product.Title.Length == 0) report.ProductsWithoutTitle++;
        });
        ImportOutput.RequireProducts(catalog, options.ProductsPath, report.RowsRead[options.ProductsPath]);

        // 2. Examples, first pass: check every row, collect the distinct queries.
        var queries = new HashSet<string>(StringComparer.Ordinal);
        var exampleSink = new ProblemSink(options.ExamplesPath, settings.ReadOptions, read);
        long filteredExamples = 0;
        report.RowsRead[options.ExamplesPath] = examples.Read(exampleSink, (row, raw) =>
        {
            switch (ParseExample(raw, row, exampleSink, locale, options.SmallVersionOnly, catalog, options.ProductsPath))
            {
                case { } pair: queries.Add(pair.Query); break;
                case null when IsFiltered(raw, locale, options.SmallVersionOnly): filteredExamples++; break;
            }
        });
        report.RowsFiltered += filteredExamples;
        report.AddReadProblems(read);

        // 3. Split by query; second pass writes the pairs.
        var split = QuerySplit.Create(queries, settings.EvalFraction, settings.Seed);
        var silent = ImportSettings.Silent(options.ExamplesPath);
        examples.Read(silent, (row, raw) =>
        {
            if (ParseExample(raw, row, silent, locale, options.SmallVersionOnly, catalog, options.ProductsPath) is { } pair)
                output.Write(pair, split.IsEval(pair.Query));
        });

        LogImporter.FillCounts(report, output, catalog, split);
        report.Derived.Add("relevance rating from esci_label: E (exact) = 2, S (substitute) = 1, C (complement) = 1, I (irrelevant) = 0");
        report.Derived.Add("train/impressions from the train split's judged pairs: engaged = (label E), session_id = query_id (or the query), position = row order within the query — ESCI has no engagement, so train with the contrastive objective");
        report.ExplainMetrics(hasEngagement: false, hasRating: true);
        report.Files.AddRange(output.Commit());
        ImportFiles.WriteReport(settings.OutDir, report);
        return report;
    }

    static string? Describe(string? locale, bool small) => (locale, small) switch
    {
        (null, false) => null,
        (not null, false) => $"product_locale = {locale}",
        (null, true) => "small_version = 1",
        _ => $"product_locale = {locale}, small_version = 1",
    };

    static bool IsFiltered(ISourceRow raw, string? locale, bool small) =>
        (locale is not null && raw.Text(EsciColumns.ProductLocale) is { } l && !string.Equals(l.Trim(), locale, StringComparison.OrdinalIgnoreCase))
        || (small && raw.Text(EsciColumns.SmallVersion)?.Trim() is not ("1" or "true"));

    /// <summary>A judged pair, or null when the row is filtered out or has a problem (reported to the sink).</summary>
    static ImportedPair? ParseExample(ISourceRow raw, long row, ProblemSink sink, string? locale, bool small,
        ProductCatalog catalog, string productsPath)
    {
        if (IsFiltered(raw, locale, small)) return null;
        try
        {
            string query = FieldParsers.Required(raw, EsciColumns.Query);
            string id = FieldParsers.Required(raw, EsciColumns.ProductId);
            string label = FieldParsers.Required(raw, EsciColumns.EsciLabel);
            int rating = EsciLabels.Rating(label) ?? throw FieldParsers.Problem(EsciColumns.EsciLabel,
                $"'{FieldParsers.Show(label)}' is not an ESCI label (E, S, C or I)");
            if (!catalog.Contains(id))
                throw FieldParsers.Problem(EsciColumns.ProductId,
                    $"product '{id}' is not in {Path.GetFileName(productsPath)}{(locale is null ? "" : $" (locale {locale})")}");
            string? session = raw.Text(EsciColumns.QueryId)?.Trim() is { Length: > 0 } qid ? "q" + qid : null;
            return new ImportedPair(query, id, session, null, null, rating);
        }
        catch (RowProblemException e)
        {
            sink.RowProblem(row, e.Field, e.Message);
            return null;
        }
    }
}
