namespace Que2Engage.Evaluation;

/// <summary>
/// Normalised discounted cumulative gain with exponential gain 2^rel − 1 and discount log2(rank + 1), rank 1-based.
/// </summary>
public static class Ndcg
{
    /// <param name="rankedRelevances">Graded relevance of the ranked list, best first.</param>
    /// <param name="allJudgedRelevances">Every known relevance for the query (the ideal list is these sorted
    /// descending).</param>
    /// <returns>NDCG@k in [0, 1], or NaN when the ideal DCG is 0 (no relevant item exists; the query is skipped).</returns>
    public static double AtK(IReadOnlyList<int> rankedRelevances, IReadOnlyList<int> allJudgedRelevances, int k)
    {
        ArgumentNullException.ThrowIfNull(rankedRelevances);
        ArgumentNullException.ThrowIfNull(allJudgedRelevances);
        CheckK(k);
        double ideal = Dcg(allJudgedRelevances.OrderByDescending(r => r).ToList(), k);
        return ideal > 0 ? Dcg(rankedRelevances, k) / ideal : double.NaN;
    }

    /// <summary>NDCG@k when the ideal list is given by counts per grade (index = grade), e.g. [n0, n1, n2]:
    /// avoids materialising relevance for every catalogue product.</summary>
    public static double AtKFromCounts(IReadOnlyList<int> rankedRelevances, IReadOnlyList<long> countsByGrade, int k)
    {
        ArgumentNullException.ThrowIfNull(rankedRelevances);
        ArgumentNullException.ThrowIfNull(countsByGrade);
        CheckK(k);
        double ideal = IdealDcgFromCounts(countsByGrade, k);
        return ideal > 0 ? Dcg(rankedRelevances, k) / ideal : double.NaN;
    }

    public static double Dcg(IReadOnlyList<int> relevances, int k)
    {
        double dcg = 0;
        for (int i = 0; i < Math.Min(k, relevances.Count); i++)
            dcg += Gain(relevances[i]) / Math.Log2(i + 2);
        return dcg;
    }

    /// <summary>DCG of the best possible top k given how many items exist at each grade.</summary>
    public static double IdealDcgFromCounts(IReadOnlyList<long> countsByGrade, int k)
    {
        double dcg = 0;
        int rank = 0;
        for (int grade = countsByGrade.Count - 1; grade >= 1 && rank < k; grade--)
            for (long c = 0; c < countsByGrade[grade] && rank < k; c++, rank++)
                dcg += Gain(grade) / Math.Log2(rank + 2);
        return dcg;
    }

    private static double Gain(int relevance) => Math.Pow(2, relevance) - 1;

    private static void CheckK(int k)
    {
        if (k < 1) throw new InvalidInputException($"k must be ≥ 1 (was {k})");
    }
}
