using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Training.Losses;

/// <summary>The multitask loss and its two parts (scalars).</summary>
public sealed record MultitaskLossParts(Tensor Total, Tensor Relevance, Tensor Engagement);

/// <summary>
/// Que2Engage's multitask loss over a batch of shown (q_i, d_i, y_i): L = λ1·L_rel + λ2·L_eng, where L_rel is the
/// in-batch softmax treating every shown pair as a positive — document-centred by default
/// (<see cref="DocumentCentredContrastiveLoss"/>, which says why), plain <see cref="ContrastiveLoss"/> with
/// <paramref name="centreDocuments"/> false — and L_eng = BCE(σ(s·κ(q_i, d_i) + b), y_i) with the learnable bias b.
/// <para>
/// Two departures, both optional: <paramref name="relevanceRows"/> restricts L_rel to the rows marked true (the
/// recommended recipe passes the engaged rows: a shown-not-engaged pair is no relevance positive), and
/// <paramref name="prior"/> adds the document engagement prior g(d_i) to the engagement logit, s·κ + g + b.
/// A third, <paramref name="kappaGradient"/> &lt; 1, passes only that share of L_eng's gradient into κ (the value is
/// unchanged: κ·a + κ.detach()·(1 − a)), so that the towers learn relevance and the prior learns engagement.
/// </para>
/// </summary>
public static class MultitaskLoss
{
    public static MultitaskLossParts Compute(Tensor queries, Tensor documents, Tensor engaged, Tensor bias,
        double scale, double lambda1, double lambda2, Tensor? exclude = null, bool centreDocuments = true,
        Tensor? relevanceRows = null, Tensor? prior = null, double kappaGradient = 1.0)
    {
        var relevance = centreDocuments
            ? DocumentCentredContrastiveLoss.Compute(queries, documents, scale, exclude, relevanceRows)
            : ContrastiveLoss.FromLogits(queries.matmul(documents.t()) * scale, exclude, relevanceRows);
        var kappa = (queries * documents).sum(1);
        if (kappaGradient < 1) kappa = kappa * kappaGradient + kappa.detach() * (1 - kappaGradient);
        var engagementLogits = kappa * scale + bias;
        if (prior is not null) engagementLogits = engagementLogits + prior;
        var engagement = nn.functional.binary_cross_entropy_with_logits(engagementLogits, engaged.to_type(ScalarType.Float32));
        return new MultitaskLossParts(relevance * lambda1 + engagement * lambda2, relevance, engagement);
    }
}
