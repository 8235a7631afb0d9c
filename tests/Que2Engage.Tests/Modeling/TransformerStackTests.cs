using Que2Engage.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Modeling;

public class TransformerStackTests
{
    [Fact]
    public void PaddedPositionsDoNotInfluenceOthers()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var stack = new TransformerStack(16, 2, 32, 1, 0.0);
        stack.eval();
        using var noGrad = no_grad();
        var x = randn(2, 5, 16);
        var mask = torch.tensor(new[] { false, false, false, true, true, false, false, false, false, true }, [2, 5]);
        var y1 = stack.call(x, mask);
        var x2 = x.clone();
        x2[0, 3] = randn(16) * 10;
        x2[1, 4] = randn(16) * 10;
        var y2 = stack.call(x2, mask);
        Assert.True((y1[0, 0] - y2[0, 0]).abs().max().item<float>() < 1e-5);
        Assert.True((y1[1, ..4] - y2[1, ..4]).abs().max().item<float>() < 1e-5);
        // An unmasked change does move the output.
        var x3 = x.clone();
        x3[0, 1] = randn(16) * 10;
        Assert.True((y1[0, 0] - stack.call(x3, mask)[0, 0]).abs().max().item<float>() > 1e-3);
    }
}
