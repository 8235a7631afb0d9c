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

    /// <summary>libtorch's own stack, the layer our fused one replaces (batch-first in, batch-first out).</summary>
    private static Tensor Reference(TorchSharp.Modules.TransformerEncoder encoder, Tensor x, Tensor mask) =>
        encoder.forward(x.transpose(0, 1), null, mask).transpose(0, 1);

    private static (TransformerStack Ours, TorchSharp.Modules.TransformerEncoder Theirs) Pair(int seed, int layers, double dropout = 0.0)
    {
        torch.manual_seed(seed);
        var theirs = nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 4, 32, dropout, nn.Activations.GELU), layers);
        var after = torch.rand(1).item<float>();
        torch.manual_seed(seed);
        var ours = new TransformerStack(16, 4, 32, layers, dropout);
        // The same draws from torch's RNG: the same starting weights, and the RNG left where it was.
        Assert.Equal(after, torch.rand(1).item<float>());
        return (ours, theirs);
    }

    [Fact]
    public void KeepsLibtorchParameterNamesShapesAndInitialisation()
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = Pair(seed: 11, layers: 2);
        var reference = theirs.named_parameters().ToDictionary(p => "encoder." + p.name, p => p.parameter);
        var mine = ours.named_parameters().ToList();
        Assert.Equal(reference.Keys.Order(), mine.Select(p => p.name).Order());
        Assert.Contains("encoder.layers.1.self_attn.in_proj_weight", reference.Keys);
        foreach (var (name, p) in mine)
        {
            Assert.Equal(reference[name].shape, p.shape);
            Assert.True(p.eq(reference[name]).all().item<bool>(), name);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ComputesWhatLibtorchsEncoderLayerComputes(bool training)
    {
        using var scope = NewDisposeScope();
        var (ours, theirs) = Pair(seed: 5, layers: 2);
        // Random weights everywhere (not the initial zero biases / unit norms), loaded into both through the state dict.
        using (no_grad())
            foreach (var p in theirs.parameters()) p.copy_(randn_like(p) * 0.3);
        var state = theirs.state_dict();
        ours.load_state_dict(state.ToDictionary(kv => "encoder." + kv.Key, kv => kv.Value));
        if (training) { ours.train(); theirs.train(); } else { ours.eval(); theirs.eval(); }

        var x = randn(3, 7, 16);
        var mask = torch.tensor(new[]
        {
            false, false, false, false, false, false, false,
            false, false, false, true, true, true, true,
            false, true, false, true, false, true, true,
        }, [3, 7]);
        var xa = x.clone().requires_grad_(true);
        var xb = x.clone().requires_grad_(true);
        var ya = ours.call(xa, mask);
        var yb = Reference(theirs, xb, mask);
        // Padded positions' outputs are not used by anyone; compare the positions that are real.
        var keep = mask.logical_not().unsqueeze(2);
        Assert.True(((ya - yb) * keep).abs().max().item<float>() < 1e-5, "forward");
        if (!training) return;
        // Gradients too: input and every parameter.
        var w = randn(3, 7, 16) * keep;
        (ya * w).sum().backward();
        (yb * w).sum().backward();
        Assert.True((xa.grad! - xb.grad!).abs().max().item<float>() < 1e-4, "input gradient");
        var theirGrads = theirs.named_parameters().ToDictionary(p => "encoder." + p.name, p => p.parameter.grad!);
        foreach (var (name, p) in ours.named_parameters())
        {
            var diff = (p.grad! - theirGrads[name]).abs().max().item<float>();
            Assert.True(diff < 1e-4, $"{name}: gradient differs by {diff}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void RowsEqualTheFullOutputAtThoseRowsWithTheSameGradients(int layers)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(9);
        var stack = new TransformerStack(16, 4, 32, layers, 0.0);
        stack.train();
        var x = randn(3, 7, 16);
        var mask = torch.tensor(new[]
        {
            false, false, false, false, false, false, false,
            false, false, false, true, true, true, true,
            false, true, false, true, false, true, false,
        }, [3, 7]);
        long[] rows = [0, 2, 6];
        var xa = x.clone().requires_grad_(true);
        var xb = x.clone().requires_grad_(true);
        var some = stack.Rows(xa, mask, rows);
        var all = stack.call(xb, mask).index_select(1, torch.tensor(rows));
        Assert.Equal(new long[] { 3, 3, 16 }, some.shape);
        Assert.True((some - all).abs().max().item<float>() < 1e-5, "rows");
        Assert.True((stack.Pooled(x, mask, mean: false) - TransformerStack.Pool(stack.call(x, mask), mask, mean: false)).abs().max().item<float>() < 1e-5);

        var w = randn(3, 3, 16);
        var gradsOf = (Tensor output, Tensor input) =>
        {
            foreach (var p in stack.parameters()) p.grad = null;
            (output * w).sum().backward();
            return (input.grad!.clone(), stack.parameters().Select(p => p.grad!.clone()).ToList());
        };
        var (inputA, paramsA) = gradsOf(some, xa);
        var (inputB, paramsB) = gradsOf(all, xb);
        Assert.True((inputA - inputB).abs().max().item<float>() < 1e-4, "input gradient");
        for (int i = 0; i < paramsA.Count; i++)
            Assert.True((paramsA[i] - paramsB[i]).abs().max().item<float>() < 1e-4, $"parameter {i} gradient");
    }
}
