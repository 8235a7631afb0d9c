using Que2Engage.Training.Cache;
using Que2Engage.Training.Losses;
using static TorchSharp.torch;

namespace Que2Engage.Training.Objectives;

/// <summary>
/// Que2Engage's objective: every shown pair with its engagement label, <see cref="MultitaskLoss"/> with the run's
/// λs and switches (<see cref="TrainingOptions"/>), batches stratified by <see cref="TrainingOptions.EngagedFraction"/>
/// when it is set.
/// </summary>
public sealed class MultitaskObjective : ITrainingObjective
{
    public string Name => "multitask";

    public IBatchSampler Sampler(TrainingSet data, TrainingOptions options) =>
        options.EngagedFraction is double fraction
            ? new StratifiedBatchSampler(data.EngagedImpressions, data.OtherImpressions, fraction, options.Seed)
            : new BatchSampler(data.AllImpressions, options.Seed);

    public ObjectiveLoss Loss(ObjectiveBatch b)
    {
        var o = b.Options;
        var engaged = tensor(b.Examples.Select(x => x.Engaged).ToArray());
        var rows = o.RelevancePositives == RelevancePositives.Engaged ? engaged : null;
        var parts = MultitaskLoss.Compute(b.Queries, b.Documents, engaged, b.Model.EngagementBias, b.Scale, o.Lambda1, o.Lambda2,
            b.Exclude, o.CentredRelevance, rows, b.Prior, o.EngagementGradient);
        return new(parts.Total, parts.Relevance, parts.Engagement);
    }
}
