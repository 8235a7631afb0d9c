using Que2Engage.Data;

namespace Que2Engage.Evaluation;

/// <summary>
/// Expected engagement@k for one query: the mean true P(engage | q, p_i, position i) over the top k results
/// (positions 1..k), read from the simulator's ground truth — the offline analogue of an online A/B engagement
/// metric. The evaluator averages this over queries.
/// </summary>
public static class ExpectedEngagement
{
    /// <returns>The mean probability, or NaN when <paramref name="ranked"/> is empty.</returns>
    public static double AtK(IGroundTruth truth, string query, IReadOnlyList<string> ranked, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(ranked);
        if (k < 1) throw new InvalidInputException($"k must be ≥ 1 (was {k})");
        int n = Math.Min(k, ranked.Count);
        if (n == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += truth.EngagementProbability(query, ranked[i], i + 1);
        return sum / n;
    }
}
