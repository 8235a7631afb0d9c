using Que2Engage.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Training;

public class LazyAdamTests
{
    /// <summary>A table (sparse or dense gradient) and a dense linear layer, the same weights for a given seed.</summary>
    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding table;
        private readonly Linear head;

        public Net(bool sparse) : base(nameof(Net))
        {
            torch.manual_seed(4);
            table = nn.Embedding(6, 3, padding_idx: 0, sparse: sparse);
            head = nn.Linear(3, 2);
            RegisterComponents();
        }

        public Parameter Table => table.weight!;

        public override Tensor forward(Tensor ids) => head.call(table.call(ids)).pow(2).sum();
    }

    private static Adam.ParamGroup[] Groups(Net net) => [new Adam.ParamGroup(net.parameters(), new Adam.Options { LearningRate = 0.1 })];

    private static void Step(Net net, Adam optimizer, long[] ids)
    {
        optimizer.zero_grad();
        net.call(torch.tensor(ids)).backward();
        optimizer.step();
    }

    [Fact]
    public void UpdatesOnlyTouchedRowsAndMatchesDenseAdamWhereBothAgree()
    {
        using var scope = NewDisposeScope();
        using var lazyNet = new Net(sparse: true);
        using var denseNet = new Net(sparse: false);
        using var lazy = new LazyAdam(Groups(lazyNet), 0.1);
        using var dense = optim.Adam(Groups(denseNet), 0.1);
        var before = lazyNet.Table.detach().clone();

        // Step 1, row 2 twice (its gradient entries must be summed), padding row 0 once: at the first step dense Adam
        // leaves untouched rows where they are too (zero moments), so both optimizers agree on every parameter.
        long[] first = [1, 2, 2, 0];
        Step(lazyNet, lazy, first);
        Step(denseNet, dense, first);
        Assert.True(lazyNet.Table.grad is null || lazyNet.Table.grad.is_sparse);
        foreach (var ((name, a), (_, b)) in lazyNet.named_parameters().Zip(denseNet.named_parameters()))
            Assert.True((a - b).abs().max().item<float>() < 1e-6, $"{name} after step 1");
        Assert.True((lazyNet.Table[1] - before[1]).abs().max().item<float>() > 1e-3);
        Assert.True((lazyNet.Table[0] - before[0]).abs().max().item<float>() == 0);    // padding row
        Assert.True((lazyNet.Table[3] - before[3]).abs().max().item<float>() == 0);    // untouched

        // Step 2 touches row 3 only: lazily, rows 1 and 2 stay put; dense Adam moves them on their momentum.
        var row1 = lazyNet.Table[1].detach().clone();
        Step(lazyNet, lazy, [3]);
        Step(denseNet, dense, [3]);
        Assert.True((lazyNet.Table[1] - row1).abs().max().item<float>() == 0);
        Assert.True((denseNet.Table[1] - row1).abs().max().item<float>() > 1e-3);
        // The touched row: a fresh row at its first update (step count 2 for the bias correction) under both.
        Assert.True((lazyNet.Table[3] - before[3]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void ZeroGradDropsSparseGradientsAndZeroesDenseOnesInPlace()
    {
        using var scope = NewDisposeScope();
        using var net = new Net(sparse: true);
        using var optimizer = new LazyAdam(Groups(net), 0.1);
        net.call(torch.tensor(new long[] { 1, 2 })).backward();
        var head = net.parameters().Last();
        Assert.True(net.Table.grad!.is_sparse);
        optimizer.zero_grad();
        Assert.Null(net.Table.grad);
        Assert.NotNull(head.grad);
        Assert.Equal(0f, head.grad!.abs().sum().item<float>());
    }
}
