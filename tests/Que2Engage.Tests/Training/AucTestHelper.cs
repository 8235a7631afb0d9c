namespace Que2Engage.Tests.Training;

/// <summary>ROC-AUC by the rank-sum (Mann–Whitney) formula, ties counted half.</summary>
public static class AucTestHelper
{
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        double pos = 0, neg = 0, wins = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (!labels[i]) continue;
            pos++;
            for (int j = 0; j < scores.Count; j++)
            {
                if (labels[j]) continue;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        neg = labels.Count(l => !l);
        return wins / (pos * neg);
    }
}
