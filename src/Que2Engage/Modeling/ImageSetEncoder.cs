using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Deep-sets image encoder: a shared MLP on each image embedding, then the masked mean over the listing's images
/// (any count; none → zero vector). (B×I×dim, mask B×I) → B×d.
/// </summary>
public sealed class ImageSetEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential mlp;

    public ImageSetEncoder(int imageDim, int dModel) : base(nameof(ImageSetEncoder))
    {
        mlp = nn.Sequential(nn.Linear(Math.Max(1, imageDim), dModel), nn.GELU(), nn.Linear(dModel, dModel));
        RegisterComponents();
    }

    public override Tensor forward(Tensor images, Tensor mask)
    {
        var h = mlp.call(images);                                  // B×I×d
        var m = mask.to_type(ScalarType.Float32).unsqueeze(-1);    // B×I×1
        var count = m.sum(1).clamp_min(1.0);                       // B×1
        return (h * m).sum(1) / count;
    }
}
