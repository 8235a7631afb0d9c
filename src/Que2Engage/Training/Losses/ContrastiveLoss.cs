using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Training.Losses;

/// <summary>
/// Que2Search's in-batch contrastive loss: cross-entropy over the B×B logits s·κ(q_i, d_j) with target i.
/// Embeddings are L2-normalised, so κ is a dot product. <paramref name="exclude"/> (B×B, true = drop) removes
/// off-diagonal columns that are not real negatives (the same product or the same query text twice in a batch).
/// </summary>
public static class ContrastiveLoss
{
    public static Tensor Compute(Tensor queries, Tensor documents, double scale, Tensor? exclude = null) =>
        FromLogits(queries.matmul(documents.t()) * scale, exclude);

    /// <summary>
    /// Cross-entropy of B×B logits with target i, after dropping the <paramref name="exclude"/>d columns, averaged
    /// over all rows or, with <paramref name="rows"/> (bool B), over the rows marked true only (0 when none is).
    /// </summary>
    public static Tensor FromLogits(Tensor logits, Tensor? exclude = null, Tensor? rows = null)
    {
        if (exclude is not null) logits = logits.masked_fill(exclude, double.NegativeInfinity);
        var target = arange(logits.shape[0], dtype: ScalarType.Int64);
        if (rows is null) return nn.functional.cross_entropy(logits, target);
        var perRow = nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.None);
        var weight = rows.to_type(ScalarType.Float32);
        return (perRow * weight).sum() / weight.sum().clamp_min(1);
    }
}
