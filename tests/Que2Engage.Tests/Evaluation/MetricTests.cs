using Que2Engage.Evaluation;

namespace Que2Engage.Tests.Evaluation;

public class RocAucTests
{
    [Fact]
    public void PerfectSeparationIsOne() =>
        Assert.Equal(1.0, RocAuc.Compute([0.9, 0.8, 0.2, 0.1], [true, true, false, false]), 12);

    [Fact]
    public void InvertedRankingIsZero() =>
        Assert.Equal(0.0, RocAuc.Compute([0.1, 0.2, 0.8, 0.9], [true, true, false, false]), 12);

    [Fact]
    public void AllTiedIsOneHalf() =>
        Assert.Equal(0.5, RocAuc.Compute([0.3, 0.3, 0.3, 0.3, 0.3], [true, false, true, false, false]), 12);

    [Fact]
    public void HandExampleWithTies()
    {
        // Positives 0.35, 0.8, 0.4; negatives 0.1, 0.4. Pairwise wins: 0.35→1, 0.8→2, 0.4→1 + ½ (tie) = 4.5 of 6.
        double[] scores = [0.1, 0.4, 0.35, 0.8, 0.4];
        bool[] labels = [false, false, true, true, true];
        Assert.Equal(0.75, RocAuc.Compute(scores, labels), 12);
        Assert.Equal(0.75, RocCurve.Area(RocCurve.Compute(scores, labels)), 12);
    }

    [Fact]
    public void OneClassEmptyIsNaN()
    {
        Assert.True(double.IsNaN(RocAuc.Compute([0.1, 0.2], [true, true])));
        Assert.True(double.IsNaN(RocAuc.Compute([], [])));
        Assert.Empty(RocCurve.Compute([0.1, 0.2], [false, false]));
    }

    [Fact]
    public void MatchesBruteForcePairCountingOnRandomDataWithTies()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 60);
            double[] s = Enumerable.Range(0, n).Select(_ => (double)rng.Next(0, 8)).ToArray(); // many ties
            bool[] y = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.4).ToArray();
            double wins = 0; long pairs = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (y[i] && !y[j]) { pairs++; wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0; }
            double expected = pairs == 0 ? double.NaN : wins / pairs;
            Assert.Equal(expected, RocAuc.Compute(s, y), 12);
            if (pairs > 0) Assert.Equal(expected, RocCurve.Area(RocCurve.Compute(s, y)), 12);
        }
    }

    [Fact]
    public void CurveRunsFromOriginToOneOneAndIsMonotone()
    {
        var curve = RocCurve.Compute([0.9, 0.5, 0.5, 0.1], [true, false, true, false]);
        Assert.Equal((0.0, 0.0), (curve[0].FalsePositiveRate, curve[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (curve[^1].FalsePositiveRate, curve[^1].TruePositiveRate));
        Assert.Equal(4, curve.Count); // origin + 3 distinct thresholds
        for (int i = 1; i < curve.Count; i++)
        {
            Assert.True(curve[i].FalsePositiveRate >= curve[i - 1].FalsePositiveRate);
            Assert.True(curve[i].TruePositiveRate >= curve[i - 1].TruePositiveRate);
        }
    }

    [Fact]
    public void MismatchedLengthsAreAUserError() =>
        Assert.Throws<InvalidInputException>(() => RocAuc.Compute([0.1, 0.2], [true]));
}

public class NdcgTests
{
    [Fact]
    public void HandExample()
    {
        // DCG = 3/log2(2) + 0 + 1/log2(4) = 3.5; ideal [2,1,1] = 3 + 1/log2(3) + 1/2.
        Assert.Equal(0.8472668887613066, Ndcg.AtK([2, 0, 1], [2, 1, 1, 0], 3), 12);
    }

    [Fact]
    public void IdealOrderIsOneAndCutoffApplies()
    {
        Assert.Equal(1.0, Ndcg.AtK([2, 1, 0], [0, 1, 2], 10), 12);
        // Only rank 1 counts at k=1: gain 1 vs ideal gain 3.
        Assert.Equal(1.0 / 3.0, Ndcg.AtK([1, 2], [2, 1], 1), 12);
    }

    [Fact]
    public void NoRelevantItemIsNaN() => Assert.True(double.IsNaN(Ndcg.AtK([0, 0], [0, 0, 0], 10)));

    [Fact]
    public void IdealFromCountsMatchesExplicitList()
    {
        int[] ranked = [2, 1, 2, 0, 0];
        Assert.Equal(Ndcg.AtK(ranked, [2, 2, 1, 0, 0, 0], 10), Ndcg.AtKFromCounts(ranked, [3, 1, 2], 10), 12);
        Assert.Equal(0.9514426589871553, Ndcg.AtKFromCounts(ranked, [3, 1, 2], 10), 12);
    }
}

public class RecallTests
{
    [Fact]
    public void FractionOfRelevantFoundInTopK()
    {
        string[] retrieved = ["a", "b", "c", "d"];
        var relevant = new HashSet<string> { "b", "d", "e" };
        Assert.Equal(1.0 / 3, Recall.AtK(retrieved, relevant, 2), 12);
        Assert.Equal(2.0 / 3, Recall.AtK(retrieved, relevant, 4), 12);
        Assert.Equal(2.0 / 3, Recall.AtK(retrieved, relevant, 100), 12);
        Assert.Equal(0.0, Recall.AtK(retrieved, relevant, 1), 12);
    }

    [Fact]
    public void EmptyRelevantSetIsNaN() => Assert.True(double.IsNaN(Recall.AtK(["a"], new HashSet<string>(), 10)));
}

public class ExpectedEngagementTests
{
    [Fact]
    public void MeanTrueProbabilityOverTopPositions()
    {
        var truth = new FakeGroundTruth(
            new() { ["q"] = new() },
            new() { ["a"] = 0.6, ["b"] = 0.3, ["c"] = 0.9 });
        // P = base / position: a@1 0.6, b@2 0.15; c is beyond k.
        Assert.Equal((0.6 + 0.15) / 2, ExpectedEngagement.AtK(truth, "q", ["a", "b", "c"], 2), 12);
        Assert.True(double.IsNaN(ExpectedEngagement.AtK(truth, "q", [], 10)));
    }
}
