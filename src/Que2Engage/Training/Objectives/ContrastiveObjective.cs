using Que2Engage.Training.Cache;
using Que2Engage.Training.Losses;

namespace Que2Engage.Training.Objectives;

/// <summary>Que2Search's objective: the engaged pairs, in-batch <see cref="ContrastiveLoss"/>.</summary>
public sealed class ContrastiveObjective : ITrainingObjective
{
    public string Name => "contrastive";

    public IBatchSampler Sampler(TrainingSet data, TrainingOptions options) => new BatchSampler(data.EngagedImpressions, options.Seed);

    public ObjectiveLoss Loss(ObjectiveBatch b) => new(ContrastiveLoss.Compute(b.Queries, b.Documents, b.Scale, b.Exclude));
}
