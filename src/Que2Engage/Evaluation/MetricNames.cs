namespace Que2Engage.Evaluation;

/// <summary>Display names and delta conventions of the metric keys in <see cref="EvaluationResult.MetricKeys"/>.</summary>
public static class MetricNames
{
    public static string Display(string key) => key switch
    {
        "engagement_auc" => "Engagement ROC-AUC",
        "relevance_auc" => "Relevance ROC-AUC",
        "recall_at_10" => "Recall@10",
        "recall_at_100" => "Recall@100",
        "ndcg_at_10" => "NDCG@10",
        "expected_engagement_at_10" => "Expected engagement@10",
        _ => key,
    };

    /// <summary>Engagement and NDCG are compared as relative change (as the paper's A/B test reports them);
    /// AUCs and recalls as absolute differences.</summary>
    public static bool UsesRelativeDelta(string key) => key is "expected_engagement_at_10" or "ndcg_at_10";

    public static string Value(double v) => double.IsFinite(v) ? v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : "n/a";

    public static string Delta(string key, double ours, double baseline)
    {
        if (!double.IsFinite(ours) || !double.IsFinite(baseline)) return "n/a";
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (UsesRelativeDelta(key))
            return baseline == 0 ? "n/a" : ((ours - baseline) / baseline * 100).ToString("+0.0;-0.0;0.0", inv) + "%";
        return (ours - baseline).ToString("+0.0000;-0.0000;0.0000", inv);
    }
}
