using Que2Engage.Training.Cache;
using Que2Engage.Training.Losses;
using static TorchSharp.torch;

namespace Que2Engage.Training.Objectives;

/// <summary>
/// The mixed hard-negative batch: every engaged pair with one shown-not-engaged product of the same session, chosen
/// by a seeded pure function of the example (<see cref="TrainingSet.EngagedWithSessionNegatives"/>), as an extra
/// negative column of <see cref="MixedBatchLoss"/>.
/// </summary>
public sealed class MixedBatchObjective : ITrainingObjective
{
    public string Name => "mixed";

    public int DocumentsPerExample => 2;

    public IBatchSampler Sampler(TrainingSet data, TrainingOptions options) =>
        new BatchSampler(data.EngagedWithSessionNegatives(options.Seed), options.Seed);

    public ObjectiveLoss Loss(ObjectiveBatch b)
    {
        var negIds = b.Examples.Select(x => x.Negative >= 0 ? x.Negative : x.Product).ToList();
        var negatives = b.Model.EncodeDocuments(negIds.Select(b.Document).ToList());
        var has = tensor(b.Examples.Select(x => x.Negative >= 0).ToArray());
        // A row's hard negative that is another row's positive would be a false negative column.
        var negCollision = ObjectiveBatch.CollisionMask(b.Examples.Select(x => x.Product).ToList(), negIds);
        return new(MixedBatchLoss.Compute(b.Queries, b.Documents, negatives, has, b.Scale, b.Exclude, negCollision));
    }
}
