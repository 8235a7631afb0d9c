namespace Que2Engage.Evaluation;

/// <summary>One ROC operating point: predicting positive when score ≥ <see cref="Threshold"/>.</summary>
public readonly record struct RocPoint(double FalsePositiveRate, double TruePositiveRate, double Threshold);

/// <summary>
/// The empirical ROC curve, one point per distinct score (ties move diagonally), from (0,0) to (1,1).
/// Its trapezoidal area equals <see cref="RocAuc.Compute"/>.
/// </summary>
public static class RocCurve
{
    /// <returns>The curve, or an empty list when either class is empty.</returns>
    public static IReadOnlyList<RocPoint> Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        ScoreValidation.Check(scores, labels);
        int n = scores.Count;
        int positives = labels.Count(l => l), negatives = n - positives;
        if (positives == 0 || negatives == 0) return [];

        int[] order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        var points = new List<RocPoint> { new(0, 0, double.PositiveInfinity) };
        int tp = 0, fp = 0, i = 0;
        while (i < n)
        {
            double threshold = scores[order[i]];
            while (i < n && scores[order[i]] == threshold)
            {
                if (labels[order[i]]) tp++; else fp++;
                i++;
            }
            points.Add(new RocPoint((double)fp / negatives, (double)tp / positives, threshold));
        }
        return points;
    }

    /// <summary>Trapezoidal area under a curve from <see cref="Compute"/>.</summary>
    public static double Area(IReadOnlyList<RocPoint> curve)
    {
        double area = 0;
        for (int i = 1; i < curve.Count; i++)
            area += (curve[i].FalsePositiveRate - curve[i - 1].FalsePositiveRate)
                    * (curve[i].TruePositiveRate + curve[i - 1].TruePositiveRate) / 2;
        return area;
    }

    /// <summary>At most <paramref name="maxPoints"/> points (always keeping both ends) so plots of large
    /// evaluations stay small; the shape is preserved to plotting resolution.</summary>
    public static IReadOnlyList<RocPoint> Thin(IReadOnlyList<RocPoint> curve, int maxPoints = 1000)
    {
        if (curve.Count <= maxPoints || maxPoints < 2) return curve;
        var thinned = new List<RocPoint>(maxPoints);
        double step = (curve.Count - 1) / (double)(maxPoints - 1);
        for (int j = 0; j < maxPoints; j++) thinned.Add(curve[(int)Math.Round(j * step)]);
        return thinned;
    }
}
