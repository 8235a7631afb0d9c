using System.Text.Json;
using System.Text.Json.Serialization;

namespace Que2Engage.Data.Import;

/// <summary>A metric the evaluator cannot compute on the imported data, and why.</summary>
public sealed record UnavailableMetric(string Metric, string Reason);

/// <summary>
/// What an import read, derived and wrote; saved as <c>import.json</c> beside the data so anyone using the
/// directory later can see where each table came from.
/// </summary>
public sealed class ImportReport
{
    public const string FileName = "import.json";

    public required string Format { get; init; }
    public required IReadOnlyList<string> Sources { get; init; }
    /// <summary>Schema field → how it was obtained (a source column, a constant, a rule).</summary>
    public required IReadOnlyDictionary<string, string> Mapping { get; init; }
    public long Seed { get; init; }
    public double EvalFraction { get; init; }
    public bool Lenient { get; init; }

    public Dictionary<string, long> RowsRead { get; } = new();
    public Dictionary<string, long> RowsSkipped { get; } = new();
    /// <summary>Rows left out on purpose by a filter (locale, small version), not errors.</summary>
    public long RowsFiltered { get; set; }
    public string? Filter { get; set; }
    public long ProblemCount { get; set; }
    public List<string> Problems { get; } = [];

    public long Products { get; set; }
    public long ProductsWithoutTitle { get; set; }
    public long DuplicateProductRows { get; set; }
    public long ConflictingProductRows { get; set; }
    public List<string> ConflictExamples { get; } = [];

    public int TrainQueries { get; set; }
    public int EvalQueries { get; set; }
    public long TrainImpressions { get; set; }
    public long TrainEngaged { get; set; }
    public long EvalImpressions { get; set; }
    public long EvalEngaged { get; set; }
    /// <summary>eval/relevance rows by rating 0, 1, 2.</summary>
    public long[] EvalRatings { get; set; } = new long[3];

    public List<string> Derived { get; } = [];
    public List<UnavailableMetric> Unavailable { get; } = [];
    public List<string> Files { get; } = [];

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    internal void AddReadProblems(ReadReport read, int maxStored = 20)
    {
        ProblemCount += read.ProblemCount;
        foreach (var p in read.Problems.Take(Math.Max(0, maxStored - Problems.Count))) Problems.Add(p.ToString());
        foreach (var (file, n) in read.SkippedRowsByFile) RowsSkipped[file] = RowsSkipped.GetValueOrDefault(file) + n;
    }

    /// <summary>
    /// Fills <see cref="Unavailable"/> from what was written. Imported data has no world.json, so expected
    /// engagement is never available, and recall/NDCG can only use the rated pairs.
    /// </summary>
    internal void ExplainMetrics(bool hasEngagement, bool hasRating)
    {
        if (EvalQueries == 0)
        {
            Unavailable.Add(new("all evaluation metrics", "the eval split is empty (an eval fraction of 0, or a single query), so no eval tables were written"));
            return;
        }
        if (!hasEngagement)
            Unavailable.Add(new("engagement_auc", "the source has no engagement signal (no engaged/click column), so eval/impressions was not written"));
        else if (EvalEngaged == 0 || EvalEngaged == EvalImpressions)
            Unavailable.Add(new("engagement_auc", $"the eval impressions hold only one class ({EvalEngaged} engaged of {EvalImpressions})"));
        if (!hasRating)
        {
            Unavailable.Add(new("relevance_auc", "the source has no relevance ratings, so eval/relevance was not written"));
            Unavailable.Add(new("recall_at_k, ndcg_at_10", "without world.json they are computed over rated pairs, and there are none"));
        }
        else if (EvalRatings[2] == 0 || EvalRatings[2] == EvalRatings.Sum())
            Unavailable.Add(new("relevance_auc", $"the eval ratings hold only one class ({EvalRatings[2]} exact of {EvalRatings.Sum()})"));
        Unavailable.Add(new("expected_engagement_at_10", "needs the true engagement probability of a simulated world (world.json); real logs have none"));
    }

    /// <summary>Human-readable summary lines for the CLI.</summary>
    public IEnumerable<string> SummaryLines(string outDir)
    {
        foreach (var (file, n) in RowsRead)
            yield return $"read {n:N0} rows from {file}{(RowsSkipped.TryGetValue(file, out var s) && s > 0 ? $" ({s:N0} malformed rows skipped)" : "")}";
        if (RowsFiltered > 0) yield return $"left out {RowsFiltered:N0} rows by filter ({Filter})";
        yield return $"products: {Products:N0}" +
            (DuplicateProductRows > 0 ? $" ({DuplicateProductRows:N0} repeated rows of known ids; {ConflictingProductRows:N0} of them conflicting, first row kept)" : "") +
            (ProductsWithoutTitle > 0 ? $", {ProductsWithoutTitle:N0} without a title" : "");
        foreach (var c in ConflictExamples) yield return $"  {c}";
        yield return $"queries: {TrainQueries:N0} train, {EvalQueries:N0} eval (split by query, seed {Seed}, eval fraction {EvalFraction})";
        yield return $"train/impressions: {TrainImpressions:N0} rows, {TrainEngaged:N0} engaged";
        if (EvalImpressions > 0) yield return $"eval/impressions: {EvalImpressions:N0} rows, {EvalEngaged:N0} engaged";
        if (EvalRatings.Sum() > 0) yield return $"eval/relevance: {EvalRatings.Sum():N0} rated pairs (rating 0: {EvalRatings[0]:N0}, 1: {EvalRatings[1]:N0}, 2: {EvalRatings[2]:N0})";
        foreach (var d in Derived) yield return $"derived: {d}";
        foreach (var u in Unavailable) yield return $"unavailable: {u.Metric} — {u.Reason}";
        if (ProblemCount > 0)
        {
            yield return $"{ProblemCount:N0} problems (lenient: rows skipped); first ones:";
            foreach (var p in Problems.Take(5)) yield return $"  {p}";
        }
        yield return $"wrote {string.Join(", ", Files)} and {FileName} to {outDir}";
    }
}
