using System.Text.Json.Nodes;
using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Evaluation;

/// <summary>
/// A five-product world small enough to compute every metric by hand. With q1 = (1,0), q2 = (0,1) and the product
/// vectors below, the cosine rankings are q1: p1, p2, p4 (tie with p2, higher index), p3, p5 and
/// q2: p3, p2, p1, p5 (tie with p1), p4.
/// </summary>
public class EvaluatorTests
{
    private static readonly List<Product> Products =
        new[] { "p1", "p2", "p3", "p4", "p5" }.Select(id => new Product { ProductId = id, Title = id }).ToList();

    private static FakeEmbeddingModel Model() => new(
        new() { ["q1"] = [1, 0], ["q2"] = [0, 1], ["q3"] = [1, 1] },
        new() { ["p1"] = [2, 0], ["p2"] = [1, 1], ["p3"] = [0, 3], ["p4"] = [1, -1], ["p5"] = [-1, 0] });

    private static readonly List<Impression> Impressions =
    [
        new("s1", "q1", "p1", 1, true), new("s1", "q1", "p4", 2, false), new("s1", "q1", "p5", 3, false),
        new("s2", "q2", "p3", 1, false), new("s2", "q2", "p2", 2, true),
    ];

    private static readonly List<RelevanceJudgment> Ratings =
    [
        new("q1", "p1", 2), new("q1", "p2", 1), new("q1", "p3", 0),
        new("q2", "p3", 2), new("q2", "p1", 0), new("q2", "p5", 1),
    ];

    private static FakeGroundTruth Truth() => new(
        new()
        {
            ["q1"] = new() { ["p1"] = 2, ["p4"] = 2, ["p2"] = 1 },
            ["q2"] = new() { ["p3"] = 2, ["p2"] = 1 },
        },
        new() { ["p1"] = 0.5, ["p2"] = 0.4, ["p3"] = 0.3, ["p4"] = 0.2, ["p5"] = 0.1 });

    private static readonly EvaluationOptions Options = new() { RecallKs = [2, 10], BatchSize = 2 };

    [Fact]
    public void AucsMatchHandComputation()
    {
        var r = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, Truth(), Options);
        // Engaged scores {1, .707}; not engaged {.707, -1, 1}: wins 1+1+½ and ½+1+0 = 4 of 6.
        Assert.Equal(4.0 / 6.0, r.EngagementAuc, 6);
        // Rated exact {1, 1} vs others {.707, 0, 0, 0}.
        Assert.Equal(1.0, r.RelevanceAuc, 12);
        Assert.Equal(11, r.Pairs);
        Assert.Equal(5, r.EngagementScores.Count);
        Assert.Equal(6, r.RelevanceLabels.Count);
    }

    [Fact]
    public void RetrievalMetricsWithGroundTruthMatchHandComputation()
    {
        var r = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, Truth(), Options);
        Assert.Equal(2, r.Queries);
        // q1 exact {p1,p4}: top2 = p1,p2 → ½; q2 exact {p3}: → 1.
        Assert.Equal(0.75, r.RecallAtK[2], 12);
        Assert.Equal(1.0, r.RecallAt10, 12);
        Assert.True(double.IsNaN(r.RecallAt100));
        // q1 grades 2,1,2,0,0 vs ideal 2,2,1 → 0.95144…; q2 ideal → 1.
        Assert.Equal((0.9514426589871553 + 1) / 2, r.NdcgAt10, 6);
        // P = base/position over the 5 retrieved products.
        double q1 = (0.5 / 1 + 0.4 / 2 + 0.2 / 3 + 0.3 / 4 + 0.1 / 5) / 5;
        double q2 = (0.3 / 1 + 0.4 / 2 + 0.5 / 3 + 0.1 / 4 + 0.2 / 5) / 5;
        Assert.Equal((q1 + q2) / 2, r.ExpectedEngagementAt10, 9);
        Assert.Contains(r.Notes, n => n.Contains("recall_at_100 not requested"));
    }

    [Fact]
    public void WithoutGroundTruthFallsBackToRatedPairsAndSaysSo()
    {
        var r = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, null, Options);
        // q1 rated exact {p1} at rank 1; q2 {p3} at rank 1.
        Assert.Equal(1.0, r.RecallAtK[2], 12);
        // q1 condensed p1(2),p2(1),p3(0) = ideal → 1; q2 condensed p3(2),p1(0),p5(1) vs ideal 2,1,0 → 0.96394…
        Assert.Equal((1 + 0.9639404333166532) / 2, r.NdcgAt10, 6);
        Assert.True(double.IsNaN(r.ExpectedEngagementAt10));
        Assert.Contains(r.Notes, n => n.Contains("expected_engagement_at_10 unavailable"));
        Assert.Contains(r.Notes, n => n.Contains("rated pairs only"));
        Assert.Equal(4.0 / 6.0, r.EngagementAuc, 6);
    }

    [Fact]
    public void QueriesUnknownToTheTruthAreSkippedWithANote()
    {
        var ratings = Ratings.Append(new RelevanceJudgment("q3", "p2", 2)).ToList();
        var r = Evaluator.Evaluate(Model(), Products, Impressions, ratings, Truth(), Options);
        Assert.Equal(2, r.Queries);
        Assert.Contains(r.Notes, n => n.Contains("1 of 3 retrieval queries are unknown"));
    }

    [Fact]
    public void MissingClassGivesNaNAucWithReason()
    {
        var allEngaged = Impressions.Select(i => i with { Engaged = true }).ToList();
        var r = Evaluator.Evaluate(Model(), Products, allEngaged, Ratings, Truth(), Options);
        Assert.True(double.IsNaN(r.EngagementAuc));
        Assert.Contains(r.Notes, n => n.StartsWith("engagement_auc unavailable") && n.Contains("5 engaged, 0 shown-not-engaged"));
    }

    [Fact]
    public void MaxQueriesSamplesDeterministically()
    {
        var options = Options with { MaxQueries = 1, Seed = 5 };
        var a = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, Truth(), options);
        var b = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, Truth(), options);
        Assert.Equal(1, a.Queries);
        Assert.Equal(a.NdcgAt10, b.NdcgAt10);
        Assert.Contains(a.Notes, n => n.Contains("1 of 2 distinct queries"));
    }

    [Fact]
    public void UsesTheInjectedSearchAndReportsProgress()
    {
        int built = 0;
        var stages = new List<(string Stage, double Fraction)>();
        var options = Options with { SearchFactory = rows => { built++; return FlatIndex.Of(rows); } };
        var model = Model();
        Evaluator.Evaluate(model, Products, Impressions, Ratings, Truth(), options, (s, f) => stages.Add((s, f)));
        Assert.Equal(1, built);
        Assert.Equal(3, model.ProductCalls); // 5 products in batches of 2
        foreach (string stage in new[] { "embed products", "embed queries", "retrieve", "score retrieval" })
            Assert.Equal(1.0, stages.Last(s => s.Stage == stage).Fraction);
        Assert.All(stages, s => Assert.InRange(s.Fraction, 0, 1));
    }

    [Fact]
    public void BadInputsAreUserErrors()
    {
        var dup = Products.Append(new Product { ProductId = "p1", Title = "again" }).ToList();
        Assert.Throws<InvalidInputException>(() => Evaluator.Evaluate(Model(), dup, Impressions, Ratings, null, Options));
        Assert.Throws<InvalidInputException>(() => Evaluator.Evaluate(Model(), Products, Impressions, [new("q1", "p1", 3)], null, Options));
        Assert.Throws<InvalidInputException>(() => Evaluator.Evaluate(Model(), [], Impressions, Ratings, null, Options));
        Assert.Throws<InvalidInputException>(() => Evaluator.Evaluate(Model(), Products, Impressions, Ratings, null, Options with { RecallKs = [] }));
    }

    [Fact]
    public void UnknownProductsAreSkippedAndCounted()
    {
        var impressions = Impressions.Append(new Impression("s3", "q1", "ghost", 1, true)).ToList();
        var r = Evaluator.Evaluate(Model(), Products, impressions, Ratings, Truth(), Options);
        Assert.Equal(5, r.EngagementScores.Count);
        Assert.Contains(r.Notes, n => n.StartsWith("1 eval impressions name products missing"));
    }

    [Fact]
    public void JsonHasExactSnakeCaseKeysAndNullForNaN()
    {
        var r = Evaluator.Evaluate(Model(), Products, Impressions, Ratings, null, Options);
        var o = JsonNode.Parse(r.ToJson())!.AsObject();
        Assert.Equal(
            ["engagement_auc", "relevance_auc", "recall_at_10", "recall_at_100", "ndcg_at_10", "expected_engagement_at_10", "queries", "pairs", "notes"],
            o.Select(kv => kv.Key).ToArray());
        Assert.Null(o["expected_engagement_at_10"]);
        Assert.Null(o["recall_at_100"]);
        Assert.Equal(1.0, o["relevance_auc"]!.GetValue<double>(), 12);

        var back = EvaluationResult.FromJson(r.ToJson());
        Assert.Equal(r.EngagementAuc, back.EngagementAuc, 12);
        Assert.True(double.IsNaN(back.ExpectedEngagementAt10));
        Assert.Equal(r.Notes, back.Notes);
        Assert.Equal(r.Queries, back.Queries);
    }

    [Fact]
    public void MalformedJsonNamesTheSource()
    {
        var e = Assert.Throws<DataFormatException>(() => EvaluationResult.FromJson("{\"engagement_auc\": \"x\"}", "cell.json"));
        Assert.Contains("cell.json", e.Message);
        Assert.Contains("engagement_auc", e.Message);
    }
}
