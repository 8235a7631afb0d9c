namespace Que2Engage.Training;

/// <summary>
/// One row of a training batch: a query, the shown product, its engagement label and (mixed objective) one
/// shown-not-engaged product of the same session.
/// </summary>
public sealed record TrainingExample(string Query, string ProductId, bool Engaged, string? NegativeProductId = null);
