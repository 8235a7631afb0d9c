using Que2Engage.Data;
using Que2Engage.Data.Import;

namespace Que2Engage.Tests.Data.Import;

public class LogImportTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static readonly LogColumnMapping ClickLog = new()
    {
        Query = "query",
        ProductId = "item",
        Title = "name",
        Description = "details",
        Price = "cost",
        Condition = "cond",
        Engaged = "clicked",
        Session = "session",
        Position = "pos",
        LanguageValue = "en",
    };

    static readonly LogColumnMapping RatingLog = new()
    {
        Query = "q",
        ProductId = "pid",
        Title = "title",
        Rating = "stars",
        RatingMap = RatingMap.Parse("1-4"),
    };

    ImportReport Import(string input, LogColumnMapping mapping, string outName = "out", bool lenient = false, double evalFraction = 0.25) =>
        LogImporter.Import(File.Exists(input) ? input : ImportFixtures.Path(input), mapping,
            new ImportSettings { OutDir = _dir.File(outName), Lenient = lenient, EvalFraction = evalFraction, Seed = 3 });

    [Fact]
    public void ClickLogBecomesTrainAndEvalImpressions()
    {
        var report = Import("log.csv", ClickLog);
        Assert.Equal(0, DataValidator.Validate(_dir.File("out")).TotalProblems);
        var data = MarketplaceDataset.Load(_dir.File("out"));

        Assert.Equal(15, data.Products.Count);
        Assert.Equal(19, data.TrainImpressions.Count + data.EvalImpressions.Count);
        Assert.NotEmpty(data.EvalImpressions);
        Assert.Empty(data.Relevance);                                  // no ratings in a click log
        Assert.Empty(data.TrainImpressions.Select(i => i.Query).Intersect(data.EvalImpressions.Select(i => i.Query)));
        Assert.Equal(7, report.TrainQueries + report.EvalQueries);
        Assert.Equal(2, report.EvalQueries);                           // round(7 × 0.25)

        var all = data.TrainImpressions.Concat(data.EvalImpressions).ToList();
        Assert.Contains(new Impression("s2", "red sofa", "P3", 2, true), all);
        Assert.Contains(new Impression("s9", "wireless mouse", "P4", 1, false), all);

        var sofa = data.ProductsById["P1"];
        Assert.Equal("Three seats, genuine leather", sofa.Description);
        Assert.Equal(450, sofa.Price);
        Assert.Equal(Condition.LikeNew, sofa.Condition);
        Assert.Equal("en", sofa.Language);

        // P4 appears again as "Wireless Mouse v2": first row wins, the conflict is counted and reported.
        Assert.Equal("Wireless Mouse", data.ProductsById["P4"].Title);
        Assert.Equal(4, report.DuplicateProductRows);   // P1, P3, P4, P5 repeat
        Assert.Equal(1, report.ConflictingProductRows);
        Assert.Contains(report.ConflictExamples, c => c.Contains("log.csv:19: product_id 'P4'"));
        Assert.Contains(report.Unavailable, u => u.Metric == "relevance_auc");
        Assert.DoesNotContain(report.Unavailable, u => u.Metric == "engagement_auc");
    }

    [Fact]
    public void RatingsOnlyLogDerivesTrainPositivesAndKeepsEvalAsRelevance()
    {
        var report = Import("ratings.jsonl", RatingLog, lenient: true);
        Assert.Equal(0, DataValidator.Validate(_dir.File("out")).TotalProblems);
        var data = MarketplaceDataset.Load(_dir.File("out"));

        Assert.Empty(data.EvalImpressions);
        Assert.False(File.Exists(_dir.File("out/eval/impressions.parquet")));
        Assert.NotEmpty(data.Relevance);
        Assert.Equal(16, data.TrainImpressions.Count + data.Relevance.Count);
        // 1-4 scale: 4 → 2, 3 → 1, 2 → 1, 1 → 0; train engaged = rating 2 (stars 4).
        var stars = File.ReadLines(ImportFixtures.Path("ratings.jsonl")).Take(16)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => (e.GetProperty("q").GetString()!, e.GetProperty("pid").GetString()!), e => e.GetProperty("stars").GetInt32());
        foreach (var r in data.Relevance)
            Assert.Equal(stars[(r.Query, r.ProductId)] switch { 4 => 2, 3 or 2 => 1, _ => 0 }, r.Rating);
        foreach (var i in data.TrainImpressions)
        {
            Assert.Equal(stars[(i.Query, i.ProductId)] == 4, i.Engaged);
            Assert.Equal(i.Query, i.SessionId);
        }
        Assert.Contains(report.Derived, d => d.Contains("engaged = (rating == 2)"));
        Assert.Contains(report.Unavailable, u => u.Metric == "engagement_auc" && u.Reason.Contains("no engagement"));

        // Lenient: the three bad lines are skipped and counted, with line numbers.
        Assert.Equal(3, report.ProblemCount);
        var problems = string.Join("\n", report.Problems);
        Assert.Contains("ratings.jsonl:18: stars: '7' is not covered by the rating map '1-4'", problems);
        Assert.Contains("ratings.jsonl:19: not valid JSON", problems);
        Assert.Contains("ratings.jsonl:20: pid: required value is missing", problems);
    }

    [Fact]
    public void MeanRatingsAreGradedByThresholdsAndTheMiddleIsDropped()
    {
        // Home Depot's shape: a 1–3 mean of raters, ≥ 2.5 exact, ≤ 2.0 irrelevant, the pairs between left out.
        string csv = _dir.File("means.csv");
        File.WriteAllLines(csv, [
            "id,product_uid,product_title,search_term,relevance",
            "1,100,Angle Bracket,angle bracket,3",
            "2,100,Angle Bracket,l bracket,2.5",
            "3,101,Deck Coating,deck over,2.33",
            "4,101,Deck Coating,paint,1.67",
            "5,102,Shower Faucet,shower faucet,2",
            "6,103,Door Mat,door mat,2.67",
        ]);
        var mapping = new LogColumnMapping
        {
            Query = "search_term", ProductId = "product_uid", Title = "product_title", Rating = "relevance",
            RatingMap = RatingMap.Parse("<=2:0,>=2.5:2,>2:drop"), LanguageValue = "en",
        };
        var report = Import(csv, mapping, evalFraction: 0.5);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(1, report.RowsFiltered);
        Assert.NotNull(report.Filter);
        var pairs = data.TrainImpressions.Select(i => (i.Query, i.ProductId, Grade: i.Engaged ? 2 : 0))
            .Concat(data.Relevance.Select(r => (r.Query, r.ProductId, Grade: r.Rating == 2 ? 2 : r.Rating))).ToList();
        Assert.Equal(5, pairs.Count);
        Assert.DoesNotContain(pairs, p => p.Query == "deck over");
        Assert.Contains(("l bracket", "100", 2), pairs);
        Assert.Contains(("paint", "101", 0), pairs);
        Assert.Contains(("shower faucet", "102", 0), pairs);
        Assert.Equal(4, data.Products.Count);   // the dropped pair's product still comes from its other rows
    }

    [Fact]
    public void StrictModeFailsOnTheFirstBadLine()
    {
        var e = Assert.Throws<DataFormatException>(() => Import("ratings.jsonl", RatingLog));
        Assert.Contains("ratings.jsonl:18: stars:", e.Message);
        Assert.False(File.Exists(_dir.File("out/products.parquet")));
    }

    [Fact]
    public void MisspelledColumnIsReportedWithTheSettingAndAHint()
    {
        var e = Assert.Throws<DataFormatException>(() => Import("log.csv", ClickLog with { Engaged = "Clicked" }));
        Assert.Contains("Clicked: column named by LogColumnMapping.Engaged is missing (did you mean 'clicked'?)", e.Message);
        Assert.Equal(["LogColumnMapping.Engaged"], e.Settings);
    }

    [Fact]
    public void NeedsEngagementOrRatings()
    {
        var e = Assert.Throws<InvalidInputException>(() => Import("log.csv", ClickLog with { Engaged = null }));
        Assert.Equal(["LogColumnMapping.Engaged", "LogColumnMapping.Rating"], e.Settings);
        e = Assert.Throws<InvalidInputException>(() => Import("log.csv", ClickLog with { RatingMap = RatingMap.Parse("1-4") }));
        Assert.Equal("LogColumnMapping.RatingMap needs LogColumnMapping.Rating", e.Message);
    }

    [Fact]
    public void BadValuesNameTheSourceColumnAndRow()
    {
        File.WriteAllText(_dir.File("bad.csv"),
            "query,product_id,title,price,clicked,pos\n" +
            "sofa,P1,Sofa,10,1,1\n" +
            "sofa,P2,Couch,-5,0,2\n" +
            "sofa,P3,Chair,abc,0,3\n" +
            "sofa,P4,Lamp,3,maybe,4\n" +
            "sofa,P5,Rug,3,0,0\n" +
            "lamp,P4,Lamp,3,1,1\n");
        var mapping = new LogColumnMapping { Price = "price", Engaged = "clicked", Position = "pos" };
        var report = Import(_dir.File("bad.csv"), mapping, lenient: true, evalFraction: 0);
        var problems = string.Join("\n", report.Problems);
        Assert.Contains("bad.csv:3: price: must be a finite number >= 0, got -5", problems);
        Assert.Contains("bad.csv:4: price: 'abc' is not a number", problems);
        Assert.Contains("bad.csv:5: clicked: 'maybe' is not a boolean", problems);
        Assert.Contains("bad.csv:6: pos: position must be >= 1, got 0", problems);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(["P1", "P4"], data.Products.Select(p => p.ProductId));
        Assert.Equal(2, data.TrainImpressions.Count);
    }

    [Fact]
    public void TsvAndQuotedMultilineFieldsAreRead()
    {
        File.WriteAllText(_dir.File("log.tsv"), "query\tproduct_id\ttitle\tclicked\nsofa\tP1\t\"Sofa\nwith\ttab\"\ttrue\nlamp\tP2\tLamp\tno\n");
        Import(_dir.File("log.tsv"), new LogColumnMapping { Engaged = "clicked" }, evalFraction: 0);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal("Sofa\nwith\ttab", data.ProductsById["P1"].Title);
        Assert.Equal([true, false], data.TrainImpressions.Select(i => i.Engaged));
    }

    [Fact]
    public void CsvLineEndsBlankLinesAndQuotingProblemsKeepThePhysicalLine()
    {
        File.WriteAllText(_dir.File("quoting.csv"),
            "query,product_id,title,clicked\r\n" +          // 1
            "\r\n" +                                        // 2 blank
            "sofa,P1,\"Sofa \"\"Deluxe\"\"\r\nthree seats\",1\r\n" + // 3–4
            "lamp,P2,12\" lamp,0\r\n" +                     // 5: a quote inside an unquoted field is text
            "\n" +                                          // 6 blank
            "rug,P3,\"Rug\" x,1\n" +                        // 7
            "desk,P4,Desk,1,extra\n" +                      // 8
            "chair,P5,Chair,0\r\n" +                        // 9
            "st\"ool,P6,\"Stool\"2,1\n" +                   // 10: a stray quote does not hide the bad field after it
            "mat,P7,\"Mat\nmore,P8,x,1\n");                 // 11: never closed, runs to the end
        var report = Import(_dir.File("quoting.csv"), new LogColumnMapping { Engaged = "clicked" }, lenient: true, evalFraction: 0);
        var problems = string.Join("\n", report.Problems);
        Assert.Equal(4, report.ProblemCount);
        Assert.Contains("quoting.csv:7: unexpected character ' ' after a closing quote", problems);
        Assert.Contains("quoting.csv:8: has 5 fields, the header has 4", problems);
        Assert.Contains("quoting.csv:10: unexpected character '2' after a closing quote", problems);
        Assert.Contains("quoting.csv:11: quoted field opened on line 11 is never closed", problems);
        var data = MarketplaceDataset.Load(_dir.File("out"));
        Assert.Equal(["P1", "P2", "P5"], data.Products.Select(p => p.ProductId));
        Assert.Equal("Sofa \"Deluxe\"\r\nthree seats", data.ProductsById["P1"].Title);
        Assert.Equal("12\" lamp", data.ProductsById["P2"].Title);
        Assert.Equal([true, false, false], data.TrainImpressions.Select(i => i.Engaged));
    }

    [Fact]
    public void CsvHeaderProblemsAreReportedOnLineOne()
    {
        File.WriteAllText(_dir.File("unclosed.csv"), "query,\"product_id,title,clicked\nsofa,P1,Sofa,1\n");
        var e = Assert.Throws<DataFormatException>(() => Import(_dir.File("unclosed.csv"), new LogColumnMapping { Engaged = "clicked" }));
        Assert.Contains("unclosed.csv:1: header: quoted field opened on line 1 is never closed", e.Message);
        File.WriteAllText(_dir.File("blank.csv"), "\r\n\n");
        e = Assert.Throws<DataFormatException>(() => Import(_dir.File("blank.csv"), new LogColumnMapping { Engaged = "clicked" }));
        Assert.Contains("blank.csv:1: empty file: expected a header line", e.Message);
    }
}
