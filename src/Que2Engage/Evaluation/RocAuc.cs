namespace Que2Engage.Evaluation;

/// <summary>
/// Area under the ROC curve, computed exactly as the Mann–Whitney U statistic: the probability that a random
/// positive outscores a random negative, ties counted 1/2. Scores are sorted once and tied groups get their average
/// rank, so the cost is O(n log n) and the result equals the trapezoidal area under <see cref="RocCurve"/>.
/// </summary>
public static class RocAuc
{
    /// <returns>AUC in [0, 1], or <see cref="double.NaN"/> when either class is empty (the AUC is undefined; callers
    /// must report why).</returns>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ScoreValidation.Check(scores, labels);
        int n = scores.Count;
        long positives = 0;
        for (int i = 0; i < n; i++) if (labels[i]) positives++;
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;

        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]));

        // Sum of (1-based, tie-averaged) ranks of the positives.
        double positiveRankSum = 0;
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) end++;
            double averageRank = (start + 1 + end + 1) / 2.0;
            for (int j = start; j <= end; j++)
                if (labels[order[j]]) positiveRankSum += averageRank;
            start = end + 1;
        }

        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }
}
