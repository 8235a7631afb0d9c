namespace Que2Engage.Training;

/// <summary>
/// Every switch that decides what a run's loss is, written to config.json so a model directory says how it was
/// trained (a <c>--resume</c> checks them among the run's settings: <see cref="ResumeSettings"/>).
/// </summary>
public sealed record LossSettings(Objective Objective, double Lambda1, double Lambda2, bool CentredRelevance,
    RelevancePositives RelevancePositives, double? EngagedFraction, double? EngagementGradient = null);
