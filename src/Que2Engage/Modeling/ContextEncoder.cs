using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>Context features → BatchNorm → MLP: (B×C) → (B×d).</summary>
public sealed class ContextEncoder : nn.Module<Tensor, Tensor>
{
    private readonly BatchNorm1d norm;
    private readonly Sequential mlp;

    public ContextEncoder(int features, int dModel) : base(nameof(ContextEncoder))
    {
        norm = nn.BatchNorm1d(features);
        mlp = nn.Sequential(nn.Linear(features, dModel), nn.GELU(), nn.Linear(dModel, dModel));
        RegisterComponents();
    }

    public override Tensor forward(Tensor context) => mlp.call(norm.call(context));
}
