using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Training.Losses;

/// <summary>
/// Mixed-batch loss: the B×B in-batch logits plus B extra columns s·κ(q_i, n_j) for every row's shown-not-engaged
/// hard negative n_j (B×2B), cross-entropy with target i. Column B+j is masked out for every row when example j has
/// no hard negative (<paramref name="hasNegative"/>[j] false).
/// </summary>
public static class MixedBatchLoss
{
    public static Tensor Compute(Tensor queries, Tensor positives, Tensor negatives, Tensor hasNegative, double scale,
        Tensor? excludePositives = null, Tensor? excludeNegatives = null)
    {
        long b = queries.shape[0];
        var pos = queries.matmul(positives.t()) * scale;
        var neg = queries.matmul(negatives.t()) * scale;
        if (excludePositives is not null) pos = pos.masked_fill(excludePositives, double.NegativeInfinity);
        var missing = hasNegative.logical_not().unsqueeze(0).expand(b, b);
        if (excludeNegatives is not null) missing = missing.logical_or(excludeNegatives);
        neg = neg.masked_fill(missing, double.NegativeInfinity);
        var target = arange(b, dtype: ScalarType.Int64);
        return nn.functional.cross_entropy(cat([pos, neg], 1), target);
    }
}
