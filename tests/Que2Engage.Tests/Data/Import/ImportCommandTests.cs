using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;

namespace Que2Engage.Tests.Data.Import;

/// <summary>End to end through the CLI: import → validate → train (tiny, 5 steps) → evaluate.</summary>
public class ImportCommandTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    static readonly string[] TinyTraining =
        ["--steps", "5", "--d-model", "32", "--heads", "2", "--ffn", "64", "--dim", "32", "--threads", "1", "--batch", "8"];

    void TrainAndEvaluate(string data, string evaluateMustSay)
    {
        var validate = Run("validate", "--data", data);
        Assert.True(validate.Code == 0, validate.Out + validate.Err);
        Assert.Contains("no problems", validate.Out);

        var train = Run(["train", "--data", data, "--out", _dir.File("model"), "--model", "que2search", "--objective", "contrastive", .. TinyTraining]);
        Assert.True(train.Code == 0, train.Out + train.Err);
        Assert.Contains("trained que2search (contrastive) for 5 steps", train.Out);

        var evaluate = Run("evaluate", "--data", data, "--model", _dir.File("model"), "--json", _dir.File("metrics.json"));
        Assert.True(evaluate.Code == 0, evaluate.Out + evaluate.Err);
        Assert.Contains(evaluateMustSay, evaluate.Out);
    }

    [Fact]
    public void EsciParquetImportsValidatesTrainsAndEvaluatesWithoutEngagement()
    {
        var examples = ImportFixtures.AsParquet("esci_examples.csv", _dir.Path);
        var products = ImportFixtures.AsParquet("esci_products.csv", _dir.Path);
        var data = _dir.File("esci");
        var import = Run("import", "--format", "esci", "--examples", examples, "--products", products, "--locale", "us",
            "--out", data, "--eval-fraction", "0.3");
        Assert.True(import.Code == 0, import.Out + import.Err);
        Assert.Contains("unavailable: engagement_auc — the source has no engagement signal", import.Out);
        Assert.Contains("eval/relevance: 10 rated pairs", import.Out);

        TrainAndEvaluate(data, "engagement_auc unavailable: no eval impressions");
        Assert.Contains("\"relevance_auc\"", File.ReadAllText(_dir.File("metrics.json")));
    }

    [Fact]
    public void GenericCsvClickLogImportsValidatesTrainsAndEvaluates()
    {
        var data = _dir.File("log");
        var import = Run("import", "--format", "csv", "--input", ImportFixtures.Path("log.csv"), "--out", data,
            "--product-col", "item", "--title-col", "name", "--description-col", "details", "--price-col", "cost",
            "--condition-col", "cond", "--engaged-col", "clicked", "--session-col", "session", "--position-col", "pos",
            "--language", "en", "--eval-fraction", "0.3");
        Assert.True(import.Code == 0, import.Out + import.Err);
        Assert.Contains("1 of them conflicting, first row kept", import.Out);
        Assert.Contains("unavailable: relevance_auc — the source has no relevance ratings", import.Out);

        TrainAndEvaluate(data, "relevance_auc unavailable: no rated pairs");
    }

    [Fact]
    public void BadRowIsAOneLineErrorWithExitCode2AndLenientCounts()
    {
        string[] args = ["import", "--format", "jsonl", "--input", ImportFixtures.Path("ratings.jsonl"), "--query-col", "q",
            "--product-col", "pid", "--rating-col", "stars", "--rating-map", "1-4"];
        var strict = Run([.. args, "--out", _dir.File("strict")]);
        Assert.Equal(2, strict.Code);
        Assert.Contains("ratings.jsonl:18: stars: '7' is not covered by the rating map '1-4'", strict.Err);
        Assert.DoesNotContain("   at ", strict.Err);

        var lenient = Run([.. args, "--out", _dir.File("lenient"), "--lenient"]);
        Assert.True(lenient.Code == 0, lenient.Out + lenient.Err);
        Assert.Contains("(3 malformed rows skipped)", lenient.Out);
    }

    [Fact]
    public void UsageMistakesAreExplained()
    {
        var noExamples = Run("import", "--format", "esci", "--products", "p.parquet", "--out", _dir.File("x"));
        Assert.Equal(2, noExamples.Code);
        Assert.Contains("--format esci needs --examples FILE", noExamples.Err);

        var wrongType = Run("import", "--format", "csv", "--input", ImportFixtures.Path("ratings.jsonl"), "--rating-col", "stars", "--out", _dir.File("y"));
        Assert.Equal(2, wrongType.Code);
        Assert.Contains("--format csv expects a .csv or .tsv file", wrongType.Err);

        var badMap = Run("import", "--format", "jsonl", "--input", ImportFixtures.Path("ratings.jsonl"), "--rating-col", "stars", "--rating-map", "4-1", "--out", _dir.File("z"));
        Assert.Equal(2, badMap.Code);
        Assert.Contains("--rating-map '4-1'", badMap.Err);
    }

    /// <summary>Issue #24 item 5: a header-only CSV is refused with one line naming it, and nothing is written.</summary>
    [Fact]
    public void AHeaderOnlyCsvIsRefusedAndWritesNothing()
    {
        string csv = _dir.File("header-only.csv");
        File.WriteAllText(csv, File.ReadLines(ImportFixtures.Path("log.csv")).First() + "\n");
        var data = _dir.File("empty-import");
        var import = Run("import", "--format", "csv", "--input", csv, "--out", data,
            "--product-col", "item", "--title-col", "name", "--engaged-col", "clicked", "--language", "en");
        Assert.True(import.Code == 2, $"exit {import.Code}: {import.Out}{import.Err}");
        var errors = import.Err.Trim().Split('\n');
        Assert.Single(errors);
        Assert.StartsWith($"error: {csv}: no data rows", errors[0]);
        Assert.DoesNotContain("wrote", import.Out);
        Assert.False(Directory.Exists(data), "the failed import left its output directory behind");
    }
}
