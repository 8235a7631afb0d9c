using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>Mean EmbeddingBag over hashed character trigrams; input is padded (B×T) with 0 = padding → (B×d).</summary>
public sealed class TrigramBag : nn.Module<Tensor, Tensor>
{
    private readonly EmbeddingBag bag;

    /// <param name="sparse">The table's gradient is sparse (<see cref="ModelConfig.SparseEmbeddingGradients"/>).</param>
    public TrigramBag(int buckets, int dModel, bool sparse = false) : base(nameof(TrigramBag))
    {
        bag = nn.EmbeddingBag(buckets + 1, dModel, mode: EmbeddingBagMode.Mean, sparse: sparse, padding_index: 0);
        using (no_grad())
        {
            nn.init.normal_(bag.weight, 0, 0.02);
            bag.weight![0].zero_();
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids) => bag.call(ids);
}
