using Que2Engage.Data;
using Que2Engage.Training.Losses;

namespace Que2Engage.Training.Objectives;

/// <summary>Que2Search's objective: the engaged pairs, in-batch <see cref="ContrastiveLoss"/>.</summary>
public sealed class ContrastiveObjective : ITrainingObjective
{
    public string Name => "contrastive";

    public IReadOnlyList<TrainingExample> Examples(IReadOnlyList<Impression> impressions, long seed) =>
        [.. impressions.Where(i => i.Engaged).Select(i => new TrainingExample(i.Query, i.ProductId, true))];

    public ObjectiveLoss Loss(ObjectiveBatch b) => new(ContrastiveLoss.Compute(b.Queries, b.Documents, b.Scale, b.Exclude));
}
