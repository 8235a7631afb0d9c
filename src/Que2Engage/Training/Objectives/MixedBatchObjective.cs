using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Training.Losses;
using static TorchSharp.torch;

namespace Que2Engage.Training.Objectives;

/// <summary>
/// The mixed hard-negative batch: every engaged pair with one shown-not-engaged product of the same session, chosen
/// with the seeded RNG, as an extra negative column of <see cref="MixedBatchLoss"/>.
/// </summary>
public sealed class MixedBatchObjective : ITrainingObjective
{
    public string Name => "mixed";

    public int DocumentsPerExample => 2;

    public IReadOnlyList<TrainingExample> Examples(IReadOnlyList<Impression> impressions, long seed)
    {
        var rng = SplitMix64.For(seed, 0x4E45_4741);
        var negativesBySession = impressions.Where(i => !i.Engaged)
            .GroupBy(i => i.SessionId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(i => i.ProductId).ToArray(), StringComparer.Ordinal);
        var examples = new List<TrainingExample>();
        foreach (var i in impressions.Where(i => i.Engaged))
        {
            string? negative = negativesBySession.TryGetValue(i.SessionId, out var pool) ? pool[rng.NextInt(pool.Length)] : null;
            examples.Add(new TrainingExample(i.Query, i.ProductId, true, negative));
        }
        return examples;
    }

    public ObjectiveLoss Loss(ObjectiveBatch b)
    {
        var negIds = b.Examples.Select(x => x.NegativeProductId ?? x.ProductId).ToList();
        var negatives = b.Model.EncodeDocuments(negIds.Select(b.Document).ToList());
        var has = tensor(b.Examples.Select(x => x.NegativeProductId is not null).ToArray());
        // A row's hard negative that is another row's positive would be a false negative column.
        var negCollision = ObjectiveBatch.CollisionMask(b.Examples.Select(x => x.ProductId).ToList(), negIds);
        return new(MixedBatchLoss.Compute(b.Queries, b.Documents, negatives, has, b.Scale, b.Exclude, negCollision));
    }
}
