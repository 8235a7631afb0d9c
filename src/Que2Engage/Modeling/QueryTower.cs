using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Query tower (both models): tokens → token+position embeddings → transformer encoder → [CLS] (or the token mean, <see cref="ModelConfig.MeanPooling"/>); hashed character
/// trigrams → EmbeddingBag; concatenate → MLP → D, L2-normalised.
/// </summary>
public sealed class QueryTower : nn.Module<QueryInputs, Tensor>
{
    private readonly TokenSequenceEmbedding embed;
    private readonly TransformerStack encoder;
    private readonly TrigramBag trigrams;
    private readonly Sequential head;
    private readonly bool _meanPooling;

    public QueryTower(ModelConfig c) : base(nameof(QueryTower))
    {
        embed = new TokenSequenceEmbedding(c.Tokenizer.VocabSize, c.QueryMaxTokens, c.DModel, c.EmbeddingNormEpsilon, c.SparseEmbeddingGradients);
        encoder = new TransformerStack(c.DModel, c.Heads, c.Ffn, c.QueryLayers, c.Dropout);
        trigrams = new TrigramBag(c.Tokenizer.TrigramBuckets, c.DModel, c.SparseEmbeddingGradients);
        head = nn.Sequential(nn.Linear(2 * c.DModel, c.DModel), nn.GELU(), nn.Linear(c.DModel, c.Dim));
        _meanPooling = c.MeanPooling;
        RegisterComponents();
    }

    public override Tensor forward(QueryInputs q)
    {
        var padding = q.Tokens.eq(0);
        var cls = encoder.Pooled(embed.call(q.Tokens), padding, _meanPooling);
        var joined = cat([cls, trigrams.call(q.Trigrams)], 1);
        return nn.functional.normalize(head.call(joined), p: 2, dim: 1);
    }
}
