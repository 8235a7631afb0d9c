using System.Text.Json;
using Que2Engage.Data;
using Que2Engage.Data.Import;

namespace Que2Engage.Tests.Data.Import;

public class EsciImportTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    ImportReport Import(string examples = "esci_examples.csv", string products = "esci_products.csv", string? locale = "us",
        string outName = "out", long seed = 1, bool lenient = false, bool small = false, double evalFraction = 0.2) =>
        EsciImporter.Import(
            new EsciImportOptions
            {
                ExamplesPath = File.Exists(examples) ? examples : ImportFixtures.Path(examples),
                ProductsPath = File.Exists(products) ? products : ImportFixtures.Path(products),
                Locale = locale,
                SmallVersionOnly = small,
            },
            new ImportSettings { OutDir = _dir.File(outName), Seed = seed, Lenient = lenient, EvalFraction = evalFraction });

    [Fact]
    public void CsvFixtureImportsIntoAValidDataDirectory()
    {
        var report = Import();
        var validation = DataValidator.Validate(_dir.File("out"));
        Assert.Equal(0, validation.TotalProblems);

        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(16, data.Products.Count);           // the two es products are filtered out
        Assert.Equal(4, report.RowsFiltered);            // the two es products and the two es examples
        Assert.Equal(10, report.TrainQueries + report.EvalQueries);
        Assert.Equal(2, report.EvalQueries);             // round(10 × 0.2)
        Assert.Empty(data.EvalImpressions);              // ESCI has no engagement
        Assert.False(File.Exists(_dir.File("out/eval/impressions.parquet")));
        Assert.True(File.Exists(_dir.File("out/import.json")));

        var trainQueries = data.TrainImpressions.Select(i => i.Query).ToHashSet();
        var evalQueries = data.Relevance.Select(r => r.Query).ToHashSet();
        Assert.Empty(trainQueries.Intersect(evalQueries));
        Assert.Equal(32, data.TrainImpressions.Count + data.Relevance.Count); // every us example lands once
    }

    [Fact]
    public void ProductsAndLabelsAreMappedAsDocumented()
    {
        Import(evalFraction: 0.5);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        var sofa = data.ProductsById["B001"];
        Assert.Equal("Red Leather Sofa, 3-Seater", sofa.Title);
        Assert.Equal("A classic three seat sofa in genuine leather.\nGenuine leather\nSolid wood frame\nBrand: Harbor\nColor: Red", sofa.Description);
        Assert.Equal("en", sofa.Language);
        Assert.Equal(0, sofa.Price);
        Assert.Equal(Condition.Unknown, sofa.Condition);
        Assert.Null(sofa.SellerRating);
        Assert.Null(sofa.Category);
        Assert.Empty(sofa.ImageEmbeddings);
        Assert.Contains("Matching armchair for the \"Harbor\" sofa", data.ProductsById["B003"].Description);

        var labels = File.ReadLines(ImportFixtures.Path("esci_examples.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Where(f => f[4] == "us")
            .ToDictionary(f => (f[1], f[3]), f => f[5]);
        foreach (var r in data.Relevance)
            Assert.Equal(labels[(r.Query, r.ProductId)] switch { "E" => 2, "S" or "C" => 1, _ => 0 }, r.Rating);
        foreach (var i in data.TrainImpressions)
        {
            Assert.Equal(labels[(i.Query, i.ProductId)] == "E", i.Engaged);
            Assert.StartsWith("q", i.SessionId);
        }
        // Positions count the rows of each query in file order.
        foreach (var session in data.TrainImpressions.GroupBy(i => i.SessionId))
            Assert.Equal(Enumerable.Range(1, session.Count()), session.Select(i => i.Position));
        Assert.Contains(data.Relevance, r => r.Rating == 2);
        Assert.Contains(data.Relevance, r => r.Rating < 2);
    }

    [Fact]
    public void ParquetFixtureGivesTheSameTablesAsCsv()
    {
        Import(outName: "csv");
        var examples = ImportFixtures.AsParquet("esci_examples.csv", _dir.Path);
        var products = ImportFixtures.AsParquet("esci_products.csv", _dir.Path);
        var report = Import(examples, products, outName: "parquet");
        Assert.Equal(34, report.RowsRead[examples]);

        var a = MarketplaceDataset.Load(_dir.File("csv"));
        var b = MarketplaceDataset.Load(_dir.File("parquet"));
        Assert.Equal(a.Products.Select(Describe), b.Products.Select(Describe));
        Assert.Equal(a.TrainImpressions, b.TrainImpressions);
        Assert.Equal(a.Relevance, b.Relevance);
    }

    static string Describe(Product p) => $"{p.ProductId}|{p.Title}|{p.Description}|{p.Language}|{p.Price}|{p.Condition}";

    [Fact]
    public void SplitIsSeededAndRepeatable()
    {
        Import(outName: "a", seed: 7);
        Import(outName: "b", seed: 7);
        var a = MarketplaceDataset.Load(_dir.File("a"));
        var b = MarketplaceDataset.Load(_dir.File("b"));
        Assert.Equal(a.Relevance, b.Relevance);
        Assert.Equal(a.TrainImpressions, b.TrainImpressions);

        var evalSets = Enumerable.Range(1, 6).Select(seed =>
        {
            Import(outName: $"s{seed}", seed: seed);
            return string.Join("|", MarketplaceDataset.Load(_dir.File($"s{seed}")).Relevance.Select(r => r.Query).Distinct().Order());
        }).ToHashSet();
        Assert.True(evalSets.Count > 1, "different seeds should hold out different queries");
    }

    [Fact]
    public void WithoutLocaleEveryLocaleIsImportedWithItsLanguage()
    {
        var report = Import(locale: null, evalFraction: 0);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(18, data.Products.Count);
        Assert.Equal("es", data.ProductsById["E001"].Language);
        Assert.Equal(11, report.TrainQueries);
        Assert.Equal(0, report.EvalQueries);
        Assert.Contains(report.Unavailable, u => u.Metric == "all evaluation metrics");
    }

    [Fact]
    public void SmallVersionKeepsOnlyItsRows()
    {
        var report = Import(small: true, evalFraction: 0);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(28, data.TrainImpressions.Count); // 32 us rows, 4 with small_version 0
        Assert.Equal(8, report.RowsFiltered);          // those 4, the 2 es examples and the 2 es products
    }

    [Fact]
    public void StrictImportStopsAtTheFirstBadRowAndLeavesNothingBehind()
    {
        var e = Assert.Throws<DataFormatException>(() => Import(examples: "esci_examples_malformed.csv"));
        Assert.Contains("esci_examples_malformed.csv:3: esci_label: 'X' is not an ESCI label", e.Message);
        Assert.Equal(2, e.ExitCode);
        Assert.False(File.Exists(_dir.File("out/products.parquet")));
        Assert.False(Directory.Exists(_dir.File("out/.import-staging")));
    }

    [Fact]
    public void LenientImportSkipsAndCountsEveryKindOfBadRow()
    {
        var report = Import(examples: "esci_examples_malformed.csv", lenient: true, evalFraction: 0);
        Assert.Equal(5, report.ProblemCount);
        Assert.Equal(5, report.RowsSkipped[ImportFixtures.Path("esci_examples_malformed.csv")]);
        var problems = string.Join("\n", report.Problems);
        Assert.Contains(":3: esci_label:", problems);                           // unknown label
        Assert.Contains(":4: query: required value is missing", problems);      // empty query
        Assert.Contains(":5: product_id: product 'B999' is not in esci_products.csv", problems);
        Assert.Contains(":6: has 8 fields, the header has 9", problems);
        Assert.Contains(":8: unexpected character ' ' after a closing quote", problems);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(4, data.TrainImpressions.Count);
        Assert.Equal(0, DataValidator.Validate(_dir.File("out")).TotalProblems);
    }

    [Fact]
    public void EsciSExtraColumnsFillPriceRatingAndCategory()
    {
        File.WriteAllText(_dir.File("products_s.csv"),
            "product_id,product_title,product_locale,price,stars,ratings,category\n" +
            "B001,Red Sofa,us,\"$1,299.50\",4.5 out of 5 stars,\"1,234 ratings\",Furniture\n" +
            "B002,Grey Couch,us,,,,\n");
        File.WriteAllText(_dir.File("examples.csv"), "query,product_id,product_locale,esci_label\nsofa,B001,us,E\nsofa,B002,us,S\ncouch,B002,us,E\n");
        Import(_dir.File("examples.csv"), _dir.File("products_s.csv"), evalFraction: 0);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        var sofa = data.ProductsById["B001"];
        Assert.Equal(1299.5, sofa.Price);
        Assert.Equal(4.5, sofa.SellerRating);
        Assert.Equal(1234, sofa.SellerRatingCount);
        Assert.Equal("Furniture", sofa.Category);
        var couch = data.ProductsById["B002"];
        Assert.Equal(0, couch.Price);
        Assert.Null(couch.SellerRating);
        Assert.Null(couch.Category);
        // Without query_id the session is the query.
        Assert.All(data.TrainImpressions, i => Assert.Equal(i.Query, i.SessionId));
    }

    [Fact]
    public void ImportJsonDescribesSourcesMappingCountsAndUnavailableMetrics()
    {
        Import();
        using var doc = JsonDocument.Parse(File.ReadAllText(_dir.File("out/import.json")));
        var root = doc.RootElement;
        Assert.Equal("esci", root.GetProperty("format").GetString());
        Assert.Equal(2, root.GetProperty("sources").GetArrayLength());
        Assert.Contains("E → 2", root.GetProperty("mapping").GetProperty("rating").GetString());
        Assert.Equal(16, root.GetProperty("products").GetInt64());
        var unavailable = root.GetProperty("unavailable").EnumerateArray().Select(u => u.GetProperty("metric").GetString()).ToList();
        Assert.Contains("engagement_auc", unavailable);
        Assert.Contains("expected_engagement_at_10", unavailable);
        Assert.DoesNotContain("relevance_auc", unavailable);
    }

    [Fact]
    public void RefusesAnOutputDirectoryThatAlreadyHoldsData()
    {
        Import();
        var e = Assert.Throws<InvalidInputException>(() => Import());
        Assert.Contains("already holds products.parquet", e.Message);
    }

    [Fact]
    public void MissingColumnIsAFileLevelErrorNamingTheColumns()
    {
        File.WriteAllText(_dir.File("examples.csv"), "query,product_id,label\nsofa,B001,E\n");
        var e = Assert.Throws<DataFormatException>(() => Import(_dir.File("examples.csv")));
        Assert.Contains("esci_label: column named by the ESCI examples file is missing", e.Message);
        Assert.Contains("query, product_id, label", e.Message);
    }
}
