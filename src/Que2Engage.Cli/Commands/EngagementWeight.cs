using Que2Engage.Modeling;

namespace Que2Engage.Cli.Commands;

/// <summary><c>--engagement-weight</c> (the engagement prior's query weight w) checked and applied to a loaded model (evaluate, search, serve).</summary>
public static class EngagementWeight
{
    public static double Check(double w, string flag) =>
        double.IsFinite(w) ? w : throw new InvalidInputException($"{flag}: the weight must be a finite number (got {w})");

    /// <summary>Applies <c>--engagement-weight</c> to a loaded model (nothing when not given).</summary>
    public static void Apply(IEmbeddingModel? model, double? weight)
    {
        if (weight is not double w) return;
        Check(w, "--engagement-weight");
        if (model is not TwoTowerModel { HasEngagementPrior: true } t)
            throw new InvalidInputException("--engagement-weight needs a model trained with the engagement prior (train --engagement-prior, or the recommended recipe)");
        t.EngagementWeight = w;
    }
}
