namespace Que2Engage.Training;

/// <summary>
/// Every switch that decides what a run's loss is. Written to the checkpoint (a <c>--resume</c> with different
/// settings is refused) and to config.json (so a model directory says how it was trained).
/// </summary>
public sealed record LossSettings(Objective Objective, double Lambda1, double Lambda2, bool CentredRelevance,
    RelevancePositives RelevancePositives, double? EngagedFraction)
{
    /// <summary>The differences from <paramref name="other"/> as "name: this → other" (empty when equal).</summary>
    public IReadOnlyList<string> DifferencesTo(LossSettings other)
    {
        var list = new List<string>();
        void Check<T>(string name, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) list.Add($"{name}: {a} → {b}"); }
        Check("objective", Objective, other.Objective);
        Check("lambda1", Lambda1, other.Lambda1);
        Check("lambda2", Lambda2, other.Lambda2);
        Check("centred relevance softmax", CentredRelevance, other.CentredRelevance);
        Check("relevance positives", RelevancePositives, other.RelevancePositives);
        Check("engaged fraction", EngagedFraction?.ToString() ?? "natural", other.EngagedFraction?.ToString() ?? "natural");
        return list;
    }
}
