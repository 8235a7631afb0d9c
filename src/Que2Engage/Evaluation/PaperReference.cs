namespace Que2Engage.Evaluation;

/// <summary>A published number to show beside ours, with where it comes from.</summary>
public sealed record PaperValue(double Value, string Display, string Source);

/// <summary>
/// The paper's numbers, kept in one place so reports never invent them. Source: He et al., "Que2Engage:
/// Embedding-based Retrieval for Relevant and Engaging Products at Facebook Marketplace", WWW 2023 Companion,
/// arXiv:2302.11052, Table 1 (engagement and relevance ROC-AUC, %), as quoted in the project's design (§6); and
/// its online A/B test (+4.5 % engagement, NDCG neutral).
/// </summary>
public static class PaperReference
{
    public const string Citation = "He et al., Que2Engage, WWW 2023 (arXiv:2302.11052)";

    /// <summary>The seven rows of the paper's Table 1, in the paper's order.</summary>
    public static readonly IReadOnlyList<string> AblationRows =
    [
        "Que2Search",
        "Que2Search w/ contextual encoder",
        "Que2Search w/ mixed batch loss",
        "Que2Search w/ contextual encoder + mixed batch",
        "Que2Engage w/ mixed batch",
        "Que2Engage w/ multitask",
        "Que2Engage w/ multitask + modality dropout",
    ];

    private const string TableSource = "the paper's Table 1 (engagement / relevance ROC-AUC)";
    private const string AbSource = "paper's online A/B test: +4.5% engagement, NDCG neutral (Que2Engage vs Que2Search)";

    /// <summary>Table 1, engagement / relevance ROC-AUC in % as printed in the paper, by row.</summary>
    private static readonly (string Row, double Engagement, double Relevance)[] Table1Percent =
    [
        ("Que2Search", 55.88, 67.14),
        ("Que2Search w/ contextual encoder", 55.85, 66.74),
        ("Que2Search w/ mixed batch loss", 63.63, 63.79),
        ("Que2Search w/ contextual encoder + mixed batch", 64.45, 61.17),
        ("Que2Engage w/ mixed batch", 64.70, 60.36),
        ("Que2Engage w/ multitask", 76.13, 65.63),
        ("Que2Engage w/ multitask + modality dropout", 76.90, 67.21),
    ];

    /// <summary>Table 1 (row → metric key → value).</summary>
    private static readonly Dictionary<string, Dictionary<string, PaperValue>> Table1Values =
        Table1Percent.ToDictionary(r => r.Row, r => new Dictionary<string, PaperValue>
        {
            ["engagement_auc"] = new(r.Engagement / 100, (r.Engagement / 100).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), TableSource),
            ["relevance_auc"] = new(r.Relevance / 100, (r.Relevance / 100).ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), TableSource),
        }, StringComparer.Ordinal);

    /// <summary>Relative changes of the online A/B test (Que2Engage over Que2Search), by metric key.</summary>
    private static readonly Dictionary<string, PaperValue> OnlineAbValues = new(StringComparer.Ordinal)
    {
        ["expected_engagement_at_10"] = new PaperValue(0.045, "+4.5% (online A/B)", AbSource),
        ["ndcg_at_10"] = new PaperValue(0.0, "neutral (online A/B)", AbSource),
    };

    /// <summary>The paper's Table 1 value for a row and metric key, or null when unknown.</summary>
    public static PaperValue? Table1(string row, string metric) =>
        Table1Values.TryGetValue(row, out var m) && m.TryGetValue(metric, out var v) ? v : null;

    /// <summary>The online A/B relative change for a metric key, or null when the paper gives none.</summary>
    public static PaperValue? OnlineAbDelta(string metric) => OnlineAbValues.GetValueOrDefault(metric);

    public static string Show(PaperValue? value) => value?.Display ?? "n/a";

    /// <summary>Every source used, for report footnotes.</summary>
    public static IReadOnlyList<string> Sources =>
        Table1Values.Values.SelectMany(m => m.Values).Concat(OnlineAbValues.Values).Select(v => v.Source).Distinct().ToList();
}
