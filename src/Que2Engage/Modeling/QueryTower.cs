using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Query tower (both models): tokens → token+position embeddings → transformer encoder → [CLS] (or the token mean, <see cref="ModelConfig.MeanPooling"/>); hashed character
/// trigrams → EmbeddingBag; concatenate → MLP → D, L2-normalised. With <see cref="ModelConfig.TextResidual"/>: pooled text
/// + MLP output (its last layer zero at initialisation) → L2-normalised.
/// </summary>
public sealed class QueryTower : nn.Module<QueryInputs, Tensor>
{
    private readonly TokenSequenceEmbedding embed;
    private readonly TransformerStack encoder;
    private readonly TrigramBag trigrams;
    private readonly Sequential head;
    private readonly bool _meanPooling;
    private readonly bool _textResidual;

    public QueryTower(ModelConfig c) : base(nameof(QueryTower))
    {
        embed = new TokenSequenceEmbedding(c.Tokenizer.VocabSize, c.QueryMaxTokens, c.DModel, c.EmbeddingNormEpsilon, c.SparseEmbeddingGradients);
        encoder = new TransformerStack(c.DModel, c.Heads, c.Ffn, c.QueryLayers, c.Dropout);
        trigrams = new TrigramBag(c.Tokenizer.TrigramBuckets, c.DModel, c.SparseEmbeddingGradients);
        head = nn.Sequential(nn.Linear(2 * c.DModel, c.DModel), nn.GELU(), nn.Linear(c.DModel, c.Dim));
        _meanPooling = c.MeanPooling;
        _textResidual = c.TextResidual;
        if (_textResidual) ZeroLastLinear(head);
        RegisterComponents();
    }

    public override Tensor forward(QueryInputs q)
    {
        var padding = q.Tokens.eq(0);
        var cls = encoder.Pooled(embed.call(q.Tokens), padding, _meanPooling);
        var joined = cat([cls, trigrams.call(q.Trigrams)], 1);
        var output = head.call(joined);
        return nn.functional.normalize(_textResidual ? cls + output : output, p: 2, dim: 1);
    }

    /// <summary>Zeroes the weight and bias of <paramref name="module"/>'s last Linear (a residual branch that starts at 0).</summary>
    internal static void ZeroLastLinear(nn.Module module)
    {
        var last = module as Linear ?? module.modules().OfType<Linear>().Last();
        using var noGrad = no_grad();
        last.weight!.zero_();
        last.bias?.zero_();
    }
}
