using Que2Engage.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Training;

public class LossTests
{
    private const double S = 20;

    // Unit vectors at angles, so κ is cos(a - b).
    private static double[][] Unit(params double[] angles) => angles.Select(a => new[] { Math.Cos(a), Math.Sin(a) }).ToArray();
    private static Tensor T(double[][] rows) => torch.tensor(rows.SelectMany(r => r.Select(x => (float)x)).ToArray(), [rows.Length, rows[0].Length]);
    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static double SoftmaxCe(double[] logits, int target)
    {
        var finite = logits.Where(double.IsFinite).ToArray();
        double max = finite.Max();
        double lse = max + Math.Log(finite.Sum(l => Math.Exp(l - max)));
        return lse - logits[target];
    }

    [Fact]
    public void ContrastiveMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0, 2.0);
        var d = Unit(0.3, 0.9, 2.5);
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += SoftmaxCe(d.Select(dj => S * Dot(q[i], dj)).ToArray(), i);
        expected /= 3;
        double actual = ContrastiveLoss.Compute(T(q), T(d), S).item<float>();
        Assert.Equal(expected, actual, 4);
    }

    [Fact]
    public void ContrastiveExcludedColumnsAreIgnored()
    {
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0);
        var d = Unit(0.3, 0.9);
        var exclude = torch.tensor(new[] { false, true, false, false }, [2, 2]);
        double expected = (SoftmaxCe([S * Dot(q[0], d[0]), double.NegativeInfinity], 0)
                           + SoftmaxCe([S * Dot(q[1], d[0]), S * Dot(q[1], d[1])], 1)) / 2;
        Assert.Equal(expected, ContrastiveLoss.Compute(T(q), T(d), S, exclude).item<float>(), 4);
    }

    [Fact]
    public void MixedBatchMatchesHandComputationWithMaskedMissingNegative()
    {
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0, 2.0);
        var p = Unit(0.3, 0.9, 2.5);
        var n = Unit(0.2, 1.5, 0.0);
        bool[] has = [true, false, true];
        double expected = 0;
        for (int i = 0; i < 3; i++)
        {
            var logits = p.Select(pj => S * Dot(q[i], pj))
                .Concat(n.Select((nj, j) => has[j] ? S * Dot(q[i], nj) : double.NegativeInfinity)).ToArray();
            expected += SoftmaxCe(logits, i);
        }
        expected /= 3;
        double actual = MixedBatchLoss.Compute(T(q), T(p), T(n), torch.tensor(has), S).item<float>();
        Assert.Equal(expected, actual, 4);
        // The hard negatives make the loss strictly larger than the plain in-batch loss.
        Assert.True(actual > ContrastiveLoss.Compute(T(q), T(p), S).item<float>());
    }

    [Fact]
    public void MultitaskMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0);
        var d = Unit(0.3, 2.0);
        bool[] y = [true, false];
        double b = -0.7, l1 = 0.8, l2 = 0.2;
        double rel = (SoftmaxCe([S * Dot(q[0], d[0]), S * Dot(q[0], d[1])], 0)
                      + SoftmaxCe([S * Dot(q[1], d[0]), S * Dot(q[1], d[1])], 1)) / 2;
        double Bce(double logit, bool label)
        {
            double p = 1 / (1 + Math.Exp(-logit));
            return -(label ? Math.Log(p) : Math.Log(1 - p));
        }
        double eng = (Bce(S * Dot(q[0], d[0]) + b, y[0]) + Bce(S * Dot(q[1], d[1]) + b, y[1])) / 2;
        var parts = MultitaskLoss.Compute(T(q), T(d), torch.tensor(y), torch.tensor(new[] { (float)b }), S, l1, l2, centreDocuments: false);
        Assert.Equal(rel, parts.Relevance.item<float>(), 4);
        Assert.Equal(eng, parts.Engagement.item<float>(), 4);
        Assert.Equal(l1 * rel + l2 * eng, parts.Total.item<float>(), 4);
    }

    [Fact]
    public void MultitaskBiasReceivesGradient()
    {
        using var scope = NewDisposeScope();
        var bias = torch.zeros(1, requires_grad: true);
        var parts = MultitaskLoss.Compute(T(Unit(0.1, 1.0)), T(Unit(0.3, 2.0)), torch.tensor(new[] { true, true }), bias, S, 0.8, 0.2);
        parts.Total.backward();
        Assert.True(bias.grad!.item<float>() < 0); // all positives: raising b lowers the loss
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    public void EngagementGradientScalesOnlyTheGradientThatReachesKappa(double share)
    {
        using var scope = NewDisposeScope();
        (Tensor Loss, Tensor Grad, Tensor PriorGrad) Run(double a)
        {
            var q = T(Unit(0.1, 1.0, 2.5)).requires_grad_(true);
            var prior = torch.tensor(new[] { 0.3f, -0.2f, 0.1f }).requires_grad_(true);
            // λ1 = 0: only the engagement loss, so q's gradient is the part that passes through κ.
            var parts = MultitaskLoss.Compute(q, T(Unit(0.3, 2.0, 0.4)), torch.tensor(new[] { true, false, false }),
                torch.tensor(new[] { -0.5f }), S, 0, 1, prior: prior, kappaGradient: a);
            parts.Total.backward();
            return (parts.Engagement.detach(), q.grad!.clone(), prior.grad!.clone());
        }
        var full = Run(1.0);
        var scaled = Run(share);
        Assert.Equal(full.Loss.item<float>(), scaled.Loss.item<float>(), 6); // the forward pass is the same
        Assert.True(full.Grad.abs().sum().item<float>() > 1e-3);
        Assert.True(torch.allclose(scaled.Grad, full.Grad * share, rtol: 1e-5, atol: 1e-7));
        Assert.True(torch.allclose(scaled.PriorGrad, full.PriorGrad)); // the prior learns engagement in full
    }

    [Fact]
    public void DocumentCentredMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0, 2.0);
        var d = Unit(0.3, 0.9, 2.5);
        double ColumnMean(int j) => q.Average(qi => Dot(qi, d[j]));
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += SoftmaxCe(d.Select((dj, j) => S * (Dot(q[i], dj) - ColumnMean(j))).ToArray(), i);
        expected /= 3;
        Assert.Equal(expected, DocumentCentredContrastiveLoss.Compute(T(q), T(d), S).item<float>(), 4);
        // The multitask loss uses it by default.
        var parts = MultitaskLoss.Compute(T(q), T(d), torch.tensor(new[] { true, false, true }), torch.zeros(1), S, 0.8, 0.2);
        Assert.Equal(expected, parts.Relevance.item<float>(), 4);
    }

    [Fact]
    public void DocumentCentredIgnoresDocumentOffsetsThatThePlainSoftmaxPenalises()
    {
        // An extra coordinate that every query shares (c) and each document has to its own degree (a_j) adds c·a_j to
        // column j: a document-level offset, the shape engagement takes in one shared embedding.
        using var scope = NewDisposeScope();
        var q = Unit(0.1, 1.0, 2.0);
        var d = Unit(0.3, 0.9, 2.5);
        double[] a = [1.5, -0.5, 0.2];
        var qOffset = q.Select(r => r.Append(0.3).ToArray()).ToArray();
        var dOffset = d.Select((r, j) => r.Append(a[j]).ToArray()).ToArray();
        var qPlain = q.Select(r => r.Append(0.0).ToArray()).ToArray();
        double centred = DocumentCentredContrastiveLoss.Compute(T(qPlain), T(dOffset), S).item<float>();
        Assert.Equal(centred, DocumentCentredContrastiveLoss.Compute(T(qOffset), T(dOffset), S).item<float>(), 4);
        Assert.NotEqual(ContrastiveLoss.Compute(T(qPlain), T(dOffset), S).item<float>(),
            ContrastiveLoss.Compute(T(qOffset), T(dOffset), S).item<float>(), 2);
    }
}
