using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Tests;

public class TorchSharpLoadTests
{
    [Fact]
    public void MatmulAndTransformerLayerRun()
    {
        using var scope = NewDisposeScope();
        var a = randn(8, 16);
        var b = randn(16, 4);
        var c = matmul(a, b);
        Assert.Equal(new long[] { 8, 4 }, c.shape);
        var layer = nn.TransformerEncoderLayer(16, 4, 32, 0.0);
        var y = layer.call(randn(5, 2, 16));
        Assert.Equal(new long[] { 5, 2, 16 }, y.shape);
        Assert.False(y.isnan().any().item<bool>());
    }
}
