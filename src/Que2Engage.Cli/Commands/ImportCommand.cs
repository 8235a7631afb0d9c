using System.CommandLine;
using Que2Engage.Data.Import;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>import --format esci --examples FILE --products FILE [--locale us] --out DIR</c> or
/// <c>import --format csv|jsonl|parquet --input FILE [--query-col …] --engaged-col C | --rating-col C [--rating-map M] --out DIR</c>:
/// converts external search logs into a data directory (DESIGN §2), split by query, with import.json beside it.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var format = CliOptions.Choice<string?>("--format", "esci (Amazon Shopping Queries Dataset) or a generic log: csv (also .tsv), jsonl, parquet.",
            [.. Formats.Select(f => (f, (string?)f))], null, required: true);
        var output = new Option<string>("--out") { Description = "Data directory to create (must not already hold data tables).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of the train/eval split by query.", DefaultValueFactory = _ => 1 };
        var evalFraction = new Option<double>("--eval-fraction") { Description = "Share of distinct queries held out for evaluation.", DefaultValueFactory = _ => 0.2 };
        var lenient = new Option<bool>("--lenient") { Description = "Skip (and count) malformed rows instead of failing on the first." };

        var examples = new Option<string?>("--examples") { Description = "esci: the examples file (.parquet, .csv or .jsonl)." };
        var products = new Option<string?>("--products") { Description = "esci: the products file (.parquet, .csv or .jsonl)." };
        var locale = new Option<string?>("--locale") { Description = "esci: keep only this product_locale (us, es, jp); default all." };
        var small = new Option<bool>("--small-version") { Description = "esci: keep only small_version = 1 examples (the reduced Task 1 set)." };

        var input = new Option<string?>("--input") { Description = "csv/jsonl/parquet: the log file, one row per shown or rated (query, product) pair." };
        Option<string?> Col(string name, string what, string? dflt = null) => new(name)
        {
            Description = $"Column holding {what}{(dflt is null ? "" : $" (default '{dflt}')")}.",
            DefaultValueFactory = dflt is null ? null! : _ => dflt,
        };
        var queryCol = Col("--query-col", "the query", "query");
        var productCol = Col("--product-col", "the product id", "product_id");
        var titleCol = Col("--title-col", "the product title", "title");
        var descriptionCol = Col("--description-col", "the description");
        var categoryCol = Col("--category-col", "the category");
        var languageCol = Col("--language-col", "the listing language");
        var language = new Option<string>("--language") { Description = "Language of every product when there is no --language-col.", DefaultValueFactory = _ => "" };
        var priceCol = Col("--price-col", "the price (>= 0)");
        var conditionCol = Col("--condition-col", "the condition (new, like_new, good, fair, unknown)");
        var sellerRatingCol = Col("--seller-rating-col", "the seller rating (0–5)");
        var sellerRatingCountCol = Col("--seller-rating-count-col", "the number of seller ratings");
        var photoCountCol = Col("--photo-count-col", "the photo count");
        var listingAgeCol = Col("--listing-age-col", "the listing age in days");
        var distanceCol = Col("--distance-col", "the distance in km");
        var engagedCol = Col("--engaged-col", "engagement (true/false, 1/0, yes/no or a count) → impressions");
        var ratingCol = Col("--rating-col", "a relevance rating → eval/relevance (see --rating-map)");
        var ratingMap = new Option<RatingMap?>("--rating-map") { CustomParser = ParseRatingMap, Description = "Map ratings to 0/1/2: a table \"1:0,2:1,3:2\" (keys may be text, \"E:2,S:1,C:1,I:0\"), a linear scale \"1-4\", or thresholds for a mean rating \"<=2:0,>=2.5:2,>2:drop\" (first that holds; drop = leave the pair out). Default: values are already 0, 1, 2." };
        var sessionCol = Col("--session-col", "the search session id (default: the query)");
        var positionCol = Col("--position-col", "the 1-based rank shown (default: row order within the session)");

        var c = new Command("import", "Convert external search logs (ESCI, CSV, JSONL, Parquet) into a data directory, split by query.")
        {
            format, output, seed, evalFraction, lenient, examples, products, locale, small, input,
            queryCol, productCol, titleCol, descriptionCol, categoryCol, languageCol, language, priceCol, conditionCol,
            sellerRatingCol, sellerRatingCountCol, photoCountCol, listingAgeCol, distanceCol, engagedCol, ratingCol,
            ratingMap, sessionCol, positionCol,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var settings = new ImportSettings
            {
                OutDir = p.GetValue(output)!,
                Seed = p.GetValue(seed),
                EvalFraction = p.GetValue(evalFraction),
                Lenient = p.GetValue(lenient),
            };
            string fmt = p.GetValue(format)!;
            ImportReport report;
            if (fmt == "esci")
            {
                if (p.GetValue(input) is not null) throw new InvalidInputException("--format esci reads --examples and --products, not --input");
                report = EsciImporter.Import(new EsciImportOptions
                {
                    ExamplesPath = p.GetValue(examples) ?? throw new InvalidInputException("--format esci needs --examples FILE"),
                    ProductsPath = p.GetValue(products) ?? throw new InvalidInputException("--format esci needs --products FILE"),
                    Locale = p.GetValue(locale),
                    SmallVersionOnly = p.GetValue(small),
                }, settings);
            }
            else
            {
                if (p.GetValue(examples) is not null || p.GetValue(products) is not null)
                    throw new InvalidInputException($"--format {fmt} reads one log file with --input; --examples/--products are for --format esci");
                string file = p.GetValue(input) ?? throw new InvalidInputException($"--format {fmt} needs --input FILE");
                CheckExtension(fmt, file);
                var mapping = new LogColumnMapping
                {
                    Query = p.GetValue(queryCol)!,
                    ProductId = p.GetValue(productCol)!,
                    Title = p.GetValue(titleCol)!,
                    Description = p.GetValue(descriptionCol),
                    Category = p.GetValue(categoryCol),
                    Language = p.GetValue(languageCol),
                    LanguageValue = p.GetValue(language)!,
                    Price = p.GetValue(priceCol),
                    Condition = p.GetValue(conditionCol),
                    SellerRating = p.GetValue(sellerRatingCol),
                    SellerRatingCount = p.GetValue(sellerRatingCountCol),
                    PhotoCount = p.GetValue(photoCountCol),
                    ListingAgeDays = p.GetValue(listingAgeCol),
                    DistanceKm = p.GetValue(distanceCol),
                    Engaged = p.GetValue(engagedCol),
                    Rating = p.GetValue(ratingCol),
                    RatingMap = p.GetValue(ratingMap) ?? RatingMap.Identity,
                    Session = p.GetValue(sessionCol),
                    Position = p.GetValue(positionCol),
                };
                report = LogImporter.Import(file, mapping, settings);
            }
            var o = p.InvocationConfiguration.Output;
            foreach (var line in report.SummaryLines(settings.OutDir)) o.WriteLine(line);
            return 0;
        }));
        return c;
    }

    /// <summary>The --format values: ESCI, or a generic log in one of three file formats.</summary>
    public static readonly string[] Formats = ["esci", "csv", "jsonl", "parquet"];

    /// <summary>--rating-map parsed as the option's value: a bad map is a one-line parse error naming the flag.</summary>
    private static RatingMap? ParseRatingMap(System.CommandLine.Parsing.ArgumentResult r)
    {
        if (r.Tokens.Count == 0) return null;
        try
        {
            return RatingMap.Parse(r.Tokens[^1].Value);
        }
        catch (InvalidInputException e)
        {
            r.AddError(e.Describe(s => s == RatingMap.Setting ? "--rating-map" : null));
            return null;
        }
    }

    static void CheckExtension(string format, string file)
    {
        string ext = Path.GetExtension(file).ToLowerInvariant();
        bool ok = format switch
        {
            "csv" => ext is ".csv" or ".tsv",
            "jsonl" => ext is ".jsonl" or ".ndjson" or ".json",
            _ => ext == ".parquet",
        };
        if (!ok) throw new InvalidInputException($"{file}: --format {format} expects a {(format == "csv" ? ".csv or .tsv" : format == "jsonl" ? ".jsonl" : ".parquet")} file");
    }
}
