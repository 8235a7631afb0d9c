using System.Text.Json.Nodes;
using Que2Engage.Evaluation;

namespace Que2Engage.Tests.Evaluation;

public sealed class ReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-reports-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static EvaluationResult Result(double eng, double rel = 0.8, double ndcg = 0.5, double expEng = 0.2) => new()
    {
        EngagementAuc = eng, RelevanceAuc = rel, RecallAt10 = 0.3, RecallAt100 = 0.6, NdcgAt10 = ndcg,
        ExpectedEngagementAt10 = expEng, Queries = 50, Pairs = 1234, Notes = ["a note"],
    };

    private static string[] Cells(string markdown, string rowLabel) =>
        markdown.Split('\n').First(l => l.StartsWith("| " + rowLabel + " |"))
            .Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();

    [Fact]
    public void ComparisonShowsOursPaperAndDeltas()
    {
        string md = ComparisonReport.ToMarkdown(
        [
            ("Que2Search", Result(0.55, ndcg: 0.50, expEng: 0.20)),
            ("Que2Engage w/ multitask + modality dropout", Result(0.60, ndcg: 0.51, expEng: 0.21)),
        ]);
        var eng = Cells(md, "Engagement ROC-AUC");
        Assert.Equal("0.5500 (paper 0.5588)", eng[1]);
        Assert.Equal("0.6000 (paper 0.7690)", eng[2]);
        Assert.Equal("+0.0500", eng[3]);   // absolute for AUC
        Assert.Equal("+0.2102", eng[4]);   // Table 1: 76.90 − 55.88
        var ee = Cells(md, "Expected engagement@10");
        Assert.Equal("+5.0%", ee[3]);      // relative: 0.21 / 0.20 − 1
        Assert.Equal("+4.5% (online A/B)", ee[4]);
        Assert.Equal("+2.0%", Cells(md, "NDCG@10")[3]);
        Assert.Contains("- a note", md);
        Assert.Contains("arXiv:2302.11052", md);
    }

    [Fact]
    public void ComparisonShowsNaNAsNotAvailable()
    {
        string md = ComparisonReport.ToMarkdown([("A", Result(0.55, expEng: double.NaN)), ("B", Result(0.6, expEng: double.NaN))]);
        var ee = Cells(md, "Expected engagement@10");
        Assert.Equal(["Expected engagement@10", "n/a", "n/a", "n/a", "+4.5% (online A/B)"], ee);
    }

    [Fact]
    public void AblationAggregatesMeanAndSampleStd()
    {
        var rows = AblationTable.Aggregate(
        [
            new("Que2Engage w/ multitask", 1, Result(0.60)),
            new("Que2Search", 2, Result(0.54, expEng: double.NaN)),
            new("Que2Search", 1, Result(0.56, expEng: 0.3)),
            new("Que2Engage w/ multitask", 2, Result(0.62)),
            new("Que2Engage w/ multitask", 3, Result(0.64)),
        ]);
        Assert.Equal(["Que2Search", "Que2Engage w/ multitask"], rows.Select(r => r.Name).ToArray()); // paper order
        var q2s = rows[0].Metrics["engagement_auc"];
        Assert.Equal(0.55, q2s.Mean, 12);
        Assert.Equal(Math.Sqrt(0.0002), q2s.Std, 12); // ((0.01)² + (0.01)²) / (2 − 1)
        Assert.Equal(1, rows[0].Metrics["expected_engagement_at_10"].Count);
        Assert.True(double.IsNaN(rows[0].Metrics["expected_engagement_at_10"].Std));
        Assert.Equal(0.62, rows[1].Metrics["engagement_auc"].Mean, 12);
        Assert.Equal(0.02, rows[1].Metrics["engagement_auc"].Std, 12);
        Assert.Equal([1, 2, 3], rows[1].Seeds);
    }

    [Fact]
    public void AblationRejectsADuplicateSeed() =>
        Assert.Throws<InvalidInputException>(() => AblationTable.Aggregate([new("X", 1, Result(0.5)), new("X", 1, Result(0.6))]));

    [Fact]
    public void AblationWritesMarkdownAndJson()
    {
        var rows = AblationTable.Aggregate(
        [
            new("Que2Search", 1, Result(0.54)), new("Que2Search", 2, Result(0.56)),
            new("Que2Engage w/ multitask", 1, Result(0.61, expEng: double.NaN)),
        ]);
        AblationTable.Write(_dir, rows);

        string md = File.ReadAllText(Path.Combine(_dir, "ablation.md"));
        var q2s = Cells(md, "Que2Search");
        Assert.Equal("2", q2s[1]);
        Assert.Equal("0.5500 ± 0.0141", q2s[2]);
        Assert.Equal("0.5588", q2s[3]);
        var mt = Cells(md, "Que2Engage w/ multitask");
        Assert.Equal("0.6100 (n=1)", mt[2]);
        Assert.Equal("0.7613", mt[3]);
        Assert.Equal("n/a", mt[^1]); // expected engagement unavailable

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "ablation.json")))!.AsArray();
        Assert.Equal(2, json.Count);
        var first = json[0]!.AsObject();
        Assert.Equal("Que2Search", first["name"]!.GetValue<string>());
        foreach (string key in EvaluationResult.MetricKeys)
        {
            Assert.True(first.ContainsKey(key + "_mean"), key);
            Assert.True(first.ContainsKey(key + "_std"), key);
        }
        Assert.Equal(0.55, first["engagement_auc_mean"]!.GetValue<double>(), 12);
        Assert.Null(json[1]!["engagement_auc_std"]);
        Assert.Null(json[1]!["expected_engagement_at_10_mean"]);
    }

    [Fact]
    public void ResultStoreRoundTripsAndSupportsResume()
    {
        var store = new ResultStore(_dir);
        string row = "Que2Search w/ contextual encoder + mixed batch";
        Assert.False(store.Has(row, 1));
        Assert.Null(store.TryLoad(row, 1));

        var result = Result(0.57) with
        {
            EngagementScores = [0.1, 0.9], EngagementLabels = [false, true],
            RelevanceScores = [0.3], RelevanceLabels = [true], ExpectedEngagementAt10 = double.NaN,
        };
        store.Save(row, 1, result, [(0, 2.5), (10, 1.5)]);
        store.Save("Que2Search", 1, Result(0.55));
        Assert.True(store.Has(row, 1));
        Assert.False(store.Has(row, 2));

        var cell = store.TryLoad(row, 1)!;
        Assert.Equal(row, cell.Row);
        Assert.Equal(0.57, cell.Result.EngagementAuc, 12);
        Assert.True(double.IsNaN(cell.Result.ExpectedEngagementAt10));
        Assert.Equal([0.1, 0.9], cell.Result.EngagementScores);
        Assert.Equal([false, true], cell.Result.EngagementLabels);
        Assert.Equal([(0.0, 2.5), (10.0, 1.5)], cell.Loss);
        Assert.Equal(["a note"], cell.Result.Notes);

        var all = store.LoadAll();
        Assert.Equal(2, all.Count);
        Assert.Equal(0.56, AblationTable.Aggregate(all.Select(c => new AblationCell(c.Row, c.Seed, c.Result)))
            .Select(r => r.Metrics["engagement_auc"].Mean).Average(), 12);
    }

    [Fact]
    public void DistinctRowNamesNeverShareAFile()
    {
        var store = new ResultStore(_dir);
        Assert.NotEqual(store.PathFor("Que2Search w/ mixed batch", 1), store.PathFor("Que2Search w/ mixed-batch", 1));
        Assert.NotEqual(store.PathFor("X", 1), store.PathFor("X", 2));
    }

    [Fact]
    public void CorruptCellFileNamesTheFile()
    {
        var store = new ResultStore(_dir);
        Directory.CreateDirectory(_dir);
        File.WriteAllText(store.PathFor("Que2Search", 3), "{\"row\": \"Que2Search\", \"seed\": \"three\"}");
        var e = Assert.Throws<DataFormatException>(() => store.TryLoad("Que2Search", 3));
        Assert.Contains("seed", e.Message);
        Assert.Contains(_dir, e.Message);
    }
}
