using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Que2Search's document tower (the baseline): 2-layer text encoder [CLS] (title+description), title trigram
/// EmbeddingBag, image deep-sets vector and, with <see cref="ModelConfig.ContextEncoder"/>, a context-encoder vector
/// → attention fusion over the modality vectors present → projection → D, L2-normalised (with
/// <see cref="ModelConfig.TextResidual"/>: text vector + projection, the projection zero at initialisation). With
/// <see cref="ModelConfig.EngagementPrior"/> the output is B×(D+1), the last column the document engagement prior g(d)
/// read from the text, trigram and image vectors and the context features.
/// </summary>
public sealed class Que2SearchDocumentTower : nn.Module<DocumentInputs, Tensor>
{
    private readonly TokenSequenceEmbedding embed;
    private readonly TransformerStack textEncoder;
    private readonly TrigramBag titleTrigrams;
    private readonly ImageSetEncoder images;
    private readonly ContextEncoder? context;
    private readonly AttentionFusion fusion;
    private readonly Linear projection;
    private readonly ContextEncoder? priorContext;
    private readonly ImageSetEncoder? priorImages;
    private readonly Sequential? priorHead;
    private readonly bool _meanPooling;
    private readonly bool _textResidual;

    public Que2SearchDocumentTower(ModelConfig c) : base(nameof(Que2SearchDocumentTower))
    {
        embed = new TokenSequenceEmbedding(c.Tokenizer.VocabSize, c.DocMaxTokens, c.DModel, c.EmbeddingNormEpsilon, c.SparseEmbeddingGradients);
        textEncoder = new TransformerStack(c.DModel, c.Heads, c.Ffn, c.Que2SearchTextLayers, c.Dropout);
        titleTrigrams = new TrigramBag(c.Tokenizer.TrigramBuckets, c.DModel, c.SparseEmbeddingGradients);
        images = new ImageSetEncoder(c.ImageDim, c.DModel);
        context = c.ContextEncoder ? new ContextEncoder(ContextFeatures.Dimension, c.DModel) : null;
        fusion = new AttentionFusion(c.DModel);
        projection = nn.Linear(c.DModel, c.Dim);
        _meanPooling = c.MeanPooling;
        _textResidual = c.TextResidual;
        if (_textResidual) QueryTower.ZeroLastLinear(projection);
        if (c.EngagementPrior)
        {
            // The engagement prior has its own context and photo encoders and reads the embedding's text and trigram
            // vectors without sending gradient into them: the engagement task must not reshape the relevance
            // representation (measured: relevance AUC varied 0.735–0.767 over seeds when it did; RESULTS.md).
            priorContext = new ContextEncoder(ContextFeatures.Dimension, c.DModel);
            priorImages = new ImageSetEncoder(c.ImageDim, c.DModel);
            priorHead = nn.Sequential(nn.Linear(4 * c.DModel, c.DModel), nn.GELU(), nn.Linear(c.DModel, 1));
        }
        RegisterComponents();
    }

    public override Tensor forward(DocumentInputs d)
    {
        long b = d.Tokens.shape[0];
        var padding = d.Tokens.eq(0);
        var text = textEncoder.Pooled(embed.call(d.Tokens), padding, _meanPooling);
        var vectors = new List<Tensor> { text, titleTrigrams.call(d.TitleTrigrams), images.call(d.Images, d.ImageMask) };
        var present = new List<Tensor> { ones(b, 1, ScalarType.Bool), ones(b, 1, ScalarType.Bool), d.ImageMask.any(1).unsqueeze(1) };
        if (context is not null)
        {
            vectors.Add(context.call(d.Context));
            present.Add(ones(b, 1, ScalarType.Bool));
        }
        var fused = fusion.call(stack(vectors, 1), cat(present, 1));
        var projected = projection.call(fused);
        var embedding = nn.functional.normalize(_textResidual ? text + projected : projected, p: 2, dim: 1);
        if (priorHead is null) return embedding;
        var prior = priorHead.call(cat([vectors[0].detach(), vectors[1].detach(), priorImages!.call(d.Images, d.ImageMask),
            priorContext!.call(d.Context)], 1));
        return cat([embedding, prior], 1);
    }
}
