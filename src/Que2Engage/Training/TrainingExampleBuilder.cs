using Que2Engage.Common;
using Que2Engage.Data;

namespace Que2Engage.Training;

/// <summary>
/// Turns impressions into the examples each objective trains on: engaged pairs (contrastive); engaged pairs each
/// with one shown-not-engaged product of the same session, chosen with the seeded RNG (mixed); every shown pair with
/// its label (multitask). Impressions naming products missing from the catalogue are skipped and counted.
/// </summary>
public static class TrainingExampleBuilder
{
    public sealed record Result(IReadOnlyList<TrainingExample> Examples, int SkippedUnknownProducts, int WithoutNegative);

    public static Result Build(IReadOnlyList<Impression> impressions, Objective objective,
        IReadOnlySet<string> knownProducts, long seed)
    {
        int unknown = 0;
        var usable = new List<Impression>(impressions.Count);
        foreach (var i in impressions)
        {
            if (knownProducts.Contains(i.ProductId) && i.Query is not null) usable.Add(i);
            else unknown++;
        }

        var examples = new List<TrainingExample>();
        int withoutNegative = 0;
        switch (objective)
        {
            case Objective.Contrastive:
                examples.AddRange(usable.Where(i => i.Engaged).Select(i => new TrainingExample(i.Query, i.ProductId, true)));
                break;
            case Objective.Multitask:
                examples.AddRange(usable.Select(i => new TrainingExample(i.Query, i.ProductId, i.Engaged)));
                break;
            case Objective.Mixed:
                var rng = SplitMix64.For(seed, 0x4E45_4741);
                var negativesBySession = usable.Where(i => !i.Engaged)
                    .GroupBy(i => i.SessionId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(i => i.ProductId).ToArray(), StringComparer.Ordinal);
                foreach (var i in usable.Where(i => i.Engaged))
                {
                    string? negative = null;
                    if (negativesBySession.TryGetValue(i.SessionId, out var pool)) negative = pool[rng.NextInt(pool.Length)];
                    else withoutNegative++;
                    examples.Add(new TrainingExample(i.Query, i.ProductId, true, negative));
                }
                break;
            default:
                throw new InvalidInputException($"unknown objective {objective}");
        }
        return new Result(examples, unknown, withoutNegative);
    }
}
