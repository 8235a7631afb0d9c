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

    /// <summary>
    /// One vector per sequence from the stack's output (B×L×d): [CLS] (position 0), or with <paramref name="mean"/>
    /// the mean over the positions the key padding mask (B×L, true = padding) does not mask.
    /// </summary>
    public static Tensor Pool(Tensor output, Tensor keyPaddingMask, bool mean)
    {
        if (!mean) return output.select(1, 0);
        var keep = keyPaddingMask.logical_not().to_type(ScalarType.Float32).unsqueeze(2);
        return (output * keep).sum(1) / keep.sum(1).clamp_min(1.0);
    }

    public override Tensor forward(Tensor x, Tensor keyPaddingMask)
    {
        var seqFirst = x.transpose(0, 1);
        return encoder.forward(seqFirst, null, keyPaddingMask).transpose(0, 1);
    }
}
