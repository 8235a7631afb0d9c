using System.Text;

namespace Que2Engage.Evaluation;

/// <summary>
/// Markdown comparison of several named evaluation results: one column per model (the paper's Table 1 value
/// beside ours where known), then the change of every other model against the first (the baseline) — absolute
/// for AUCs and recall, relative % for NDCG and expected engagement — and the paper's corresponding change.
/// </summary>
public static class ComparisonReport
{
    public static string ToMarkdown(IReadOnlyList<(string Name, EvaluationResult Result)> models, string title = "Offline evaluation")
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new InvalidInputException("nothing to compare: no evaluation results");
        var (baseName, baseResult) = models[0];
        var sb = new StringBuilder();
        sb.AppendLine($"## {title}").AppendLine();

        var header = new List<string> { "Metric" };
        header.AddRange(models.Select(m => m.Name));
        header.AddRange(models.Skip(1).Select(m => $"Δ {m.Name} vs {baseName}"));
        if (models.Count > 1) header.Add("Paper Δ");
        AppendRow(sb, header);
        AppendRow(sb, header.Select((_, i) => i == 0 ? "---" : "---:").ToList());

        foreach (string key in EvaluationResult.MetricKeys)
        {
            var cells = new List<string> { MetricNames.Display(key) };
            foreach (var (name, result) in models)
            {
                var paper = PaperReference.Table1(name, key);
                string ours = MetricNames.Value(result.Metric(key));
                cells.Add(paper is null ? ours : $"{ours} (paper {paper.Display})");
            }
            foreach (var (_, result) in models.Skip(1))
                cells.Add(MetricNames.Delta(key, result.Metric(key), baseResult.Metric(key)));
            if (models.Count > 1) cells.Add(PaperDelta(key, baseName, models));
            AppendRow(sb, cells);
        }
        int blanks = header.Count - 1 - models.Count; // delta and paper columns have no counts
        AppendRow(sb, ["Queries", .. models.Select(m => m.Result.Queries.ToString()), .. Enumerable.Repeat("", blanks)]);
        AppendRow(sb, ["Pairs", .. models.Select(m => m.Result.Pairs.ToString()), .. Enumerable.Repeat("", blanks)]);

        sb.AppendLine().AppendLine("Δ: absolute for ROC-AUC and recall, relative % for NDCG@10 and expected engagement@10. n/a: not available.");
        sb.AppendLine($"Paper values: {PaperReference.Citation}; sources: {string.Join("; ", PaperReference.Sources)}. Values not found in the paper are shown as n/a.");
        foreach (var (name, result) in models.Where(m => m.Result.Notes.Count > 0))
        {
            sb.AppendLine().AppendLine($"Notes for {name}:");
            foreach (string note in result.Notes) sb.AppendLine($"- {note}");
        }
        return sb.ToString();
    }

    /// <summary>The paper's change for this metric: the A/B test's relative change for NDCG/engagement, or the
    /// Table 1 difference between the last model's row and the baseline's row when both are known.</summary>
    private static string PaperDelta(string key, string baseName, IReadOnlyList<(string Name, EvaluationResult Result)> models)
    {
        var ab = PaperReference.OnlineAbDelta(key);
        if (ab is not null) return ab.Display;
        var basePaper = PaperReference.Table1(baseName, key);
        var lastPaper = PaperReference.Table1(models[^1].Name, key);
        return basePaper is null || lastPaper is null ? "n/a" : MetricNames.Delta(key, lastPaper.Value, basePaper.Value);
    }

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string> cells) =>
        sb.Append("| ").Append(string.Join(" | ", cells.Select(c => c.Replace("|", "\\|")))).AppendLine(" |");
}
