using Que2Engage.Data;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Training;

/// <summary>
/// Turns impressions into the examples an objective trains on (<see cref="ITrainingObjective.Examples"/>).
/// Impressions naming products missing from the catalogue are skipped and counted.
/// </summary>
public static class TrainingExampleBuilder
{
    public sealed record Result(IReadOnlyList<TrainingExample> Examples, int SkippedUnknownProducts);

    public static Result Build(IReadOnlyList<Impression> impressions, ITrainingObjective objective,
        IReadOnlySet<string> knownProducts, long seed)
    {
        var usable = impressions.Where(i => knownProducts.Contains(i.ProductId) && i.Query is not null).ToList();
        return new Result(objective.Examples(usable, seed), impressions.Count - usable.Count);
    }
}
