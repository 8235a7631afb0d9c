namespace Que2Engage.Tests.Simulation;

/// <summary>ROC-AUC via the Mann–Whitney U statistic with average ranks for ties.</summary>
internal static class Auc
{
    public static double Of(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = avg;
            i = j + 1;
        }
        double pos = labels.Count(l => l), neg = labels.Count - pos;
        double rankSum = 0;
        for (int i = 0; i < labels.Count; i++) if (labels[i]) rankSum += ranks[i];
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
    }
}

public class AucHelperTests
{
    [Fact]
    public void PerfectReversedAndTiedScores()
    {
        Assert.Equal(1.0, Auc.Of([0.1, 0.2, 0.8, 0.9], [false, false, true, true]));
        Assert.Equal(0.0, Auc.Of([0.9, 0.8, 0.2, 0.1], [false, false, true, true]));
        Assert.Equal(0.5, Auc.Of([1, 1, 1, 1], [false, true, false, true]));
    }
}
