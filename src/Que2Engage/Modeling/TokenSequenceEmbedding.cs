using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>Learned token + position embeddings followed by LayerNorm: (B×L ids) → (B×L×d).</summary>
public sealed class TokenSequenceEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tokens;
    private readonly Embedding positions;
    private readonly LayerNorm norm;

    /// <param name="sparse">The token table's gradient is sparse (<see cref="ModelConfig.SparseEmbeddingGradients"/>).</param>
    public TokenSequenceEmbedding(int vocab, int maxLen, int dModel, double eps = 1e-5, bool sparse = false) : base(nameof(TokenSequenceEmbedding))
    {
        tokens = nn.Embedding(vocab, dModel, padding_idx: 0, sparse: sparse);
        positions = nn.Embedding(maxLen, dModel);
        norm = nn.LayerNorm(dModel, eps);
        using (no_grad())
        {
            nn.init.normal_(tokens.weight, 0, 0.02);
            nn.init.normal_(positions.weight, 0, 0.02);
            tokens.weight![0].zero_();
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        var pos = arange(ids.shape[1], dtype: ScalarType.Int64);
        return norm.call(tokens.call(ids) + positions.call(pos).unsqueeze(0));
    }
}
