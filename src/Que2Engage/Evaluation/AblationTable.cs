using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Que2Engage.Common;

namespace Que2Engage.Evaluation;

/// <summary>One trained-and-evaluated cell of the ablation grid.</summary>
public sealed record AblationCell(string Row, int Seed, EvaluationResult Result);

/// <summary>Mean and sample standard deviation (n − 1) over the seeds where the metric was available;
/// Std is NaN with fewer than two such seeds, Mean is NaN with none.</summary>
public sealed record MetricSummary(double Mean, double Std, int Count);

/// <summary>One row of the ablation table aggregated over its seeds.</summary>
public sealed record AblationRow(string Name, IReadOnlyList<int> Seeds, IReadOnlyDictionary<string, MetricSummary> Metrics);

/// <summary>
/// Aggregates (row, seed) results into mean ± std per metric and writes <c>ablation.md</c> (with the paper's
/// Table 1 values beside ours) and <c>ablation.json</c> (one object per row: name, seeds, and
/// <c>&lt;metric&gt;_mean</c>/<c>&lt;metric&gt;_std</c> for every metric, NaN as null).
/// </summary>
public static class AblationTable
{
    /// <summary>Rows come out in the paper's order, then any other rows in order of first appearance.</summary>
    public static IReadOnlyList<AblationRow> Aggregate(IEnumerable<AblationCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var byRow = new Dictionary<string, List<AblationCell>>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        foreach (var cell in cells)
        {
            if (!byRow.TryGetValue(cell.Row, out var list))
            {
                byRow[cell.Row] = list = [];
                firstSeen.Add(cell.Row);
            }
            if (list.Any(c => c.Seed == cell.Seed))
                throw new InvalidInputException($"ablation row '{cell.Row}' has seed {cell.Seed} twice");
            list.Add(cell);
        }
        var order = PaperReference.AblationRows.Where(byRow.ContainsKey).Concat(firstSeen.Where(r => !PaperReference.AblationRows.Contains(r)));
        return order.Select(name =>
        {
            var list = byRow[name].OrderBy(c => c.Seed).ToList();
            var metrics = EvaluationResult.MetricKeys.ToDictionary(k => k, k => Summarise(list.Select(c => c.Result.Metric(k))));
            return new AblationRow(name, list.Select(c => c.Seed).ToList(), metrics);
        }).ToList();
    }

    public static MetricSummary Summarise(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new MetricSummary(double.NaN, double.NaN, 0);
        double mean = finite.Average();
        double std = finite.Length < 2 ? double.NaN
            : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return new MetricSummary(mean, std, finite.Length);
    }

    public static string ToMarkdown(IReadOnlyList<AblationRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Ablation (mean ± std over seeds)").AppendLine();
        var header = new List<string> { "Model", "Seeds" };
        foreach (string key in EvaluationResult.MetricKeys)
        {
            header.Add(MetricNames.Display(key));
            if (HasPaperColumn(key)) header.Add($"{MetricNames.Display(key)} (paper)");
        }
        sb.AppendLine("| " + string.Join(" | ", header) + " |");
        sb.AppendLine("| " + string.Join(" | ", header.Select((_, i) => i == 0 ? "---" : "---:")) + " |");
        foreach (var row in rows)
        {
            var cells = new List<string> { row.Name, row.Seeds.Count.ToString(CultureInfo.InvariantCulture) };
            foreach (string key in EvaluationResult.MetricKeys)
            {
                cells.Add(Format(row.Metrics[key]));
                if (HasPaperColumn(key)) cells.Add(PaperReference.Show(PaperReference.Table1(row.Name, key)));
            }
            sb.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        sb.AppendLine().AppendLine("n/a: not available (no seed produced the metric, or the paper value is unknown). "
            + "± std is the sample standard deviation over seeds; \"(n=1)\" marks a single usable seed.");
        sb.AppendLine($"Paper values: {PaperReference.Citation}; sources: {string.Join("; ", PaperReference.Sources)}.");
        return sb.ToString();
    }

    public static string ToJson(IReadOnlyList<AblationRow> rows)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            var o = new JsonObject { ["name"] = row.Name, ["seeds"] = new JsonArray(row.Seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()) };
            foreach (string key in EvaluationResult.MetricKeys)
            {
                o[key + "_mean"] = EvaluationResult.JsonNumberOrNull(row.Metrics[key].Mean);
                o[key + "_std"] = EvaluationResult.JsonNumberOrNull(row.Metrics[key].Std);
            }
            array.Add(o);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes ablation.md and ablation.json into <paramref name="directory"/> (atomically, each).</summary>
    public static void Write(string directory, IReadOnlyList<AblationRow> rows)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "ablation.md"), ToMarkdown(rows));
        AtomicFile.WriteAllText(Path.Combine(directory, "ablation.json"), ToJson(rows));
    }

    /// <summary>The paper's Table 1 reports the two ROC-AUCs; the retrieval metrics are ours only.</summary>
    private static bool HasPaperColumn(string key) => key is "engagement_auc" or "relevance_auc";

    private static string Format(MetricSummary m)
    {
        if (m.Count == 0) return "n/a";
        string mean = MetricNames.Value(m.Mean);
        return m.Count < 2 ? $"{mean} (n=1)" : $"{mean} ± {MetricNames.Value(m.Std)}";
    }
}
