namespace Que2Engage.Evaluation;

/// <summary>
/// The metrics of a model with the engagement prior when its queries carry weight <see cref="Weight"/> (w) on the
/// prior coordinate: every metric scores κ(q,d) + w·g(d)/s. w = 0 is relevance alone, w = 1 the order of the
/// model's engagement logit.
/// </summary>
public sealed record EngagementWeightPoint(double Weight, EvaluationResult Result);
