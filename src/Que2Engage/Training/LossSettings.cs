using System.Text.Json;
using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Training;

/// <summary>
/// Every switch that decides what a run's loss is, written to config.json so a model directory says how it was
/// trained (a resumed run checks them among the run's settings: <see cref="ResumeSettings"/>).
/// </summary>
public sealed record LossSettings(ITrainingObjective Objective, double Lambda1, double Lambda2, bool CentredRelevance,
    RelevancePositives RelevancePositives, double? EngagedFraction, double? EngagementGradient = null)
{
    /// <summary>The "training" section of config.json (<see cref="ModelStore.ModelManifest.Training"/>).</summary>
    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, ModelStore.Json);

    /// <summary>How the model of <paramref name="manifest"/> was trained; null when its config.json does not say.</summary>
    public static LossSettings? Of(ModelStore.ModelManifest manifest) =>
        manifest.Training is { ValueKind: JsonValueKind.Object } json ? json.Deserialize<LossSettings>(ModelStore.Json) : null;
}
