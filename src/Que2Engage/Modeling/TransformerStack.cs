using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// A batch-first wrapper around <c>nn.TransformerEncoder</c> (which is sequence-first in TorchSharp):
/// (B×L×d, key padding mask B×L with true = ignore) → B×L×d.
/// </summary>
public sealed class TransformerStack : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TransformerEncoder encoder;

    public TransformerStack(int dModel, int heads, int ffn, int layers, double dropout) : base(nameof(TransformerStack))
    {
        encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dModel, heads, ffn, dropout, nn.Activations.GELU), layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor keyPaddingMask)
    {
        var seqFirst = x.transpose(0, 1);
        return encoder.forward(seqFirst, null, keyPaddingMask).transpose(0, 1);
    }
}
