using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Que2Search's attention fusion: a learned score per modality vector (u·tanh(W v)), softmax over the modalities
/// present, weighted sum. (B×M×d, presence B×M) → B×d.
/// </summary>
public sealed class AttentionFusion : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear score;

    public AttentionFusion(int dModel) : base(nameof(AttentionFusion))
    {
        hidden = nn.Linear(dModel, dModel);
        score = nn.Linear(dModel, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor vectors, Tensor present)
    {
        var s = score.call(tanh(hidden.call(vectors))).squeeze(-1);            // B×M
        s = s.masked_fill(present.logical_not(), double.NegativeInfinity);
        var w = nn.functional.softmax(s, 1).unsqueeze(-1);                     // B×M×1
        return (w * vectors).sum(1);
    }
}
