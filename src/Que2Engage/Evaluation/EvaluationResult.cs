using System.Text.Json;
using System.Text.Json.Nodes;

namespace Que2Engage.Evaluation;

/// <summary>
/// Offline metrics of one model (DESIGN §6). A metric that could not be computed is NaN and
/// <see cref="Notes"/> says why. Serialised by <see cref="ToJson"/> with snake_case keys, NaN as null.
/// </summary>
public sealed record EvaluationResult
{
    /// <summary>ROC-AUC of κ(q,d) for engaged vs shown-not-engaged held-out impressions.</summary>
    public double EngagementAuc { get; init; } = double.NaN;
    /// <summary>ROC-AUC of κ(q,d) for rating 2 vs ratings 0–1 on the rated pairs.</summary>
    public double RelevanceAuc { get; init; } = double.NaN;
    public double RecallAt10 { get; init; } = double.NaN;
    public double RecallAt100 { get; init; } = double.NaN;
    public double NdcgAt10 { get; init; } = double.NaN;
    public double ExpectedEngagementAt10 { get; init; } = double.NaN;
    /// <summary>Distinct queries used for the retrieval metrics (after the MaxQueries cap).</summary>
    public int Queries { get; init; }
    /// <summary>(query, product) pairs scored for the two AUCs: impressions plus rated pairs.</summary>
    public int Pairs { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>BM25 and hybrid relevance AUC on the same rated pairs, when <see cref="EvaluationOptions.LexicalBaselines"/>.</summary>
    public LexicalBaselineResult? Lexical { get; init; }

    /// <summary>Recall for every requested k (includes 10 and 100 when requested).</summary>
    public IReadOnlyDictionary<int, double> RecallAtK { get; init; } = new Dictionary<int, double>();

    /// <summary>Raw per-pair scores and labels, for ROC curves and score histograms.</summary>
    public IReadOnlyList<double> EngagementScores { get; init; } = [];
    public IReadOnlyList<bool> EngagementLabels { get; init; } = [];
    public IReadOnlyList<double> RelevanceScores { get; init; } = [];
    public IReadOnlyList<bool> RelevanceLabels { get; init; } = [];

    /// <summary>Models with the engagement prior: the query weight w of the retrieval metrics (the serving setting).</summary>
    public double? EngagementWeight { get; init; }

    /// <summary>The same metrics at other engagement-prior weights w (models with the prior; empty otherwise).</summary>
    public IReadOnlyList<EngagementWeightPoint> EngagementWeightSweep { get; init; } = [];

    /// <summary>The world's reference rows measured beside this result (simulated data only; see Evaluator.EvaluateOracle).</summary>
    public IReadOnlyDictionary<OracleKind, EvaluationResult> Oracles { get; init; } = new Dictionary<OracleKind, EvaluationResult>();

    /// <summary>Metric keys of <see cref="ToJson"/> (and of the ablation table), in display order.</summary>
    public static readonly IReadOnlyList<string> MetricKeys =
        ["engagement_auc", "relevance_auc", "recall_at_10", "recall_at_100", "ndcg_at_10", "expected_engagement_at_10"];

    /// <summary>The value of one of <see cref="MetricKeys"/>.</summary>
    public double Metric(string key) => key switch
    {
        "engagement_auc" => EngagementAuc,
        "relevance_auc" => RelevanceAuc,
        "recall_at_10" => RecallAt10,
        "recall_at_100" => RecallAt100,
        "ndcg_at_10" => NdcgAt10,
        "expected_engagement_at_10" => ExpectedEngagementAt10,
        _ => throw new ArgumentException($"unknown metric '{key}'", nameof(key)),
    };

    public JsonObject ToJsonObject()
    {
        var o = new JsonObject();
        foreach (string key in MetricKeys) o[key] = JsonNumberOrNull(Metric(key));
        if (Lexical is not null)
        {
            o["bm25_relevance_auc"] = JsonNumberOrNull(Lexical.Bm25RelevanceAuc);
            o["hybrid_relevance_auc"] = JsonNumberOrNull(Lexical.HybridRelevanceAuc);
        }
        o["queries"] = Queries;
        o["pairs"] = Pairs;
        o["notes"] = new JsonArray(Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        if (EngagementWeight is double w) o["engagement_weight"] = w;
        foreach (var (kind, oracle) in Oracles)
        {
            var row = new JsonObject();
            foreach (string key in MetricKeys) row[key] = JsonNumberOrNull(oracle.Metric(key));
            o[$"oracle_{kind.ToString().ToLowerInvariant()}"] = row;
        }
        if (EngagementWeightSweep.Count > 0)
            o["engagement_weight_sweep"] = new JsonArray(EngagementWeightSweep.Select(p =>
            {
                var point = new JsonObject { ["weight"] = p.Weight };
                foreach (string key in MetricKeys) point[key] = JsonNumberOrNull(p.Result.Metric(key));
                return (JsonNode?)point;
            }).ToArray());
        return o;
    }

    public string ToJson(bool indented = true) =>
        ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = indented });

    /// <summary>Reads what <see cref="ToJson"/> wrote (raw scores are not part of it). Throws
    /// <see cref="DataFormatException"/> naming <paramref name="sourceName"/> on malformed input.</summary>
    public static EvaluationResult FromJson(string json, string sourceName = "result.json")
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new DataFormatException(sourceName, null, null, $"not valid JSON: {e.Message}", e); }
        return FromJsonObject(node as JsonObject
            ?? throw new DataFormatException(sourceName, null, null, "expected a JSON object"), sourceName);
    }

    public static EvaluationResult FromJsonObject(JsonObject o, string sourceName)
    {
        double Read(string key)
        {
            var n = o[key];
            if (n is null) return double.NaN;
            try { return n.GetValue<double>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new DataFormatException(sourceName, null, key, "expected a number or null", e); }
        }
        int ReadInt(string key)
        {
            try { return o[key]?.GetValue<int>() ?? 0; }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            { throw new DataFormatException(sourceName, null, key, "expected an integer", e); }
        }
        List<string> notes = [];
        if (o["notes"] is JsonArray arr)
            foreach (var n in arr) notes.Add(n?.ToString() ?? "");
        else if (o["notes"] is not null)
            throw new DataFormatException(sourceName, null, "notes", "expected an array of strings");

        var sweep = new List<EngagementWeightPoint>();
        if (o["engagement_weight_sweep"] is JsonArray points)
            foreach (var point in points.OfType<JsonObject>())
                sweep.Add(new EngagementWeightPoint(point["weight"]?.GetValue<double>() ?? double.NaN, FromJsonObject(point, sourceName)));
        var oracles = new Dictionary<OracleKind, EvaluationResult>();
        foreach (var kind in Enum.GetValues<OracleKind>())
            if (o[$"oracle_{kind.ToString().ToLowerInvariant()}"] is JsonObject row) oracles[kind] = FromJsonObject(row, sourceName);
        double r10 = Read("recall_at_10"), r100 = Read("recall_at_100");
        var recall = new Dictionary<int, double>();
        if (!double.IsNaN(r10)) recall[10] = r10;
        if (!double.IsNaN(r100)) recall[100] = r100;
        return new EvaluationResult
        {
            EngagementAuc = Read("engagement_auc"),
            RelevanceAuc = Read("relevance_auc"),
            RecallAt10 = r10,
            RecallAt100 = r100,
            NdcgAt10 = Read("ndcg_at_10"),
            ExpectedEngagementAt10 = Read("expected_engagement_at_10"),
            Queries = ReadInt("queries"),
            Pairs = ReadInt("pairs"),
            Notes = notes,
            RecallAtK = recall,
            EngagementWeightSweep = sweep,
            Oracles = oracles,
            EngagementWeight = o["engagement_weight"]?.GetValue<double>(),
        };
    }

    internal static JsonNode? JsonNumberOrNull(double v) =>
        double.IsFinite(v) ? JsonValue.Create(v) : null;
}
