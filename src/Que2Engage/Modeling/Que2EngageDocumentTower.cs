using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Modeling;

/// <summary>
/// Que2Engage's multimodal document tower: title+description tokens → K-layer text encoder (K=0: embeddings only);
/// images → deep-sets → one image token; context → BatchNorm+MLP → one context token; a learned [CLS] + text tokens +
/// image token + context token, each plus a modality-type embedding → M-layer fusion transformer (padding and a
/// missing image are masked out of attention) → [CLS] → projection → D, L2-normalised. With
/// <see cref="ModelConfig.TextResidual"/> the embedding is the mean of the text positions' fusion outputs plus the
/// [CLS] projection (zero at initialisation), so that a tower initialised from a sentence encoder starts near it.
/// Modality dropout (training mode only, when enabled) drops each example's context/image/text encoder outputs with
/// probabilities δ_c, δ_i, δ_t (zeroed and masked out of attention), teaching the fusion to cope with any missing
/// modality at inference. With <see cref="ModelConfig.EngagementPrior"/> the output is B×(D+1): the embedding and,
/// as the last column, the document engagement prior g(d) (unnormalised).
/// </summary>
public sealed class Que2EngageDocumentTower : nn.Module<DocumentInputs, Tensor>
{
    private const int TypeCls = 0, TypeText = 1, TypeImage = 2, TypeContext = 3;

    private readonly TokenSequenceEmbedding embed;
    private readonly TransformerStack? textEncoder;
    private readonly ImageSetEncoder images;
    private readonly ContextEncoder context;
    private readonly LayerNorm imageNorm;
    private readonly LayerNorm contextNorm;
    private readonly Parameter cls;
    private readonly Embedding modalityTypes;
    private readonly TransformerStack fusion;
    private readonly Linear projection;
    private readonly Sequential? priorHead;
    private readonly ModelConfig _config;

    public Que2EngageDocumentTower(ModelConfig c) : base(nameof(Que2EngageDocumentTower))
    {
        _config = c;
        embed = new TokenSequenceEmbedding(c.Tokenizer.VocabSize, c.DocMaxTokens, c.DModel, c.EmbeddingNormEpsilon, c.SparseEmbeddingGradients);
        textEncoder = c.TextLayers > 0 ? new TransformerStack(c.DModel, c.Heads, c.Ffn, c.TextLayers, c.Dropout) : null;
        images = new ImageSetEncoder(c.ImageDim, c.DModel);
        context = new ContextEncoder(ContextFeatures.Dimension, c.DModel);
        imageNorm = nn.LayerNorm(c.DModel);
        contextNorm = nn.LayerNorm(c.DModel);
        // The learned [CLS] starts at the scale of the tokens it sits among (they leave their LayerNorm with norm ≈ √d):
        // at 0.02·N(0,1) its first-layer attention query is ≈ 0, so the first fusion layer could only average.
        cls = nn.Parameter(randn(1, 1, c.DModel));
        modalityTypes = nn.Embedding(4, c.DModel);
        using (no_grad()) nn.init.normal_(modalityTypes.weight, 0, 0.02);
        fusion = new TransformerStack(c.DModel, c.Heads, c.Ffn, c.FusionLayers, c.Dropout);
        projection = nn.Linear(c.DModel, c.Dim);
        if (c.TextResidual) QueryTower.ZeroLastLinear(projection);
        if (c.EngagementPrior)
            priorHead = nn.Sequential(nn.Linear(3 * c.DModel, c.DModel), nn.GELU(), nn.Linear(c.DModel, 1));
        RegisterComponents();
    }

    public override Tensor forward(DocumentInputs d)
    {
        long b = d.Tokens.shape[0], len = d.Tokens.shape[1];
        var textPadding = d.Tokens.eq(0);
        var text = embed.call(d.Tokens);
        if (textEncoder is not null) text = textEncoder.call(text, textPadding);
        // The text tokens leave TokenSequenceEmbedding layer-normalised (norm ≈ √d) while the image and context MLPs
        // start out ~10× smaller; their own LayerNorm lets every token enter the fusion at the same scale.
        var imageToken = imageNorm.call(images.call(d.Images, d.ImageMask)).unsqueeze(1);   // B×1×d
        var contextToken = contextNorm.call(context.call(d.Context)).unsqueeze(1);         // B×1×d

        var noImage = d.ImageMask.any(1).logical_not().unsqueeze(1);      // B×1
        var noContext = zeros(b, 1, ScalarType.Bool);
        if (training && _config.ModalityDropout)
        {
            // A dropped modality is zeroed and masked out of attention — exactly what a missing modality is at
            // inference (a listing without images). Zeroed-but-visible text tokens would still soak up ~48/51 of
            // the [CLS] attention, so the image and context tokens would get little more gradient than with all
            // modalities present; masked, a text-dropped example makes [CLS] read image and context alone.
            var textKeep = Keep(b, _config.TextDropRate);
            var imageKeep = Keep(b, _config.ImageDropRate);
            var contextKeep = Keep(b, _config.ContextDropRate);
            text = text * textKeep;
            imageToken = imageToken * imageKeep;
            contextToken = contextToken * contextKeep;
            textPadding = textPadding.logical_or(textKeep.view(b, 1).eq(0));
            noImage = noImage.logical_or(imageKeep.view(b, 1).eq(0));
            noContext = contextKeep.view(b, 1).eq(0);
        }

        var seq = cat([cls.expand(b, 1, -1), text, imageToken, contextToken], 1);
        var typeIds = cat([
            full(1, TypeCls, ScalarType.Int64), full(len, TypeText, ScalarType.Int64),
            full(1, TypeImage, ScalarType.Int64), full(1, TypeContext, ScalarType.Int64)]);
        seq = seq + modalityTypes.call(typeIds).unsqueeze(0);

        var mask = cat([zeros(b, 1, ScalarType.Bool), textPadding, noImage, noContext], 1);
        // Only [CLS] (and, for the prior, the image and context tokens) of the fusion's output are read: the last
        // fusion layer computes those rows alone (TransformerStack.Rows; same outputs) — unless the text residual
        // (a pretrained init) also reads the text positions, which needs every row.
        long[] read = priorHead is null ? [0] : [0, len + 1, len + 2];
        var fusedAll = _config.TextResidual ? fusion.call(seq, mask) : null;
        var fusedRows = fusedAll is null ? fusion.Rows(seq, mask, read) : fusedAll.index_select(1, torch.tensor(read));
        var fused = fusedRows.select(1, 0);
        var projected = projection.call(fused);
        // Text residual: the mean of the text positions' fusion outputs (a sentence encoder's pooling) is the base and
        // the [CLS] projection, zero at initialisation, learns what the image and context tokens add.
        var embedding = nn.functional.normalize(fusedAll is not null
            ? TransformerStack.Pool(fusedAll.narrow(1, 1, len), textPadding, mean: true) + projected
            : projected, p: 2, dim: 1);
        if (priorHead is null) return embedding;
        // The engagement prior reads the fused [CLS], image and context positions: the context token's output has
        // attended to the text (what kind of item, so what a price means) and the image token carries photo quality.
        var prior = priorHead.call(cat([fused, fusedRows.select(1, 1), fusedRows.select(1, 2)], 1));
        return cat([embedding, prior], 1);
    }

    /// <summary>Per-example keep mask (B×1×1) that is 0 with probability <paramref name="dropRate"/>.</summary>
    private static Tensor Keep(long batch, double dropRate) =>
        (rand(batch, 1, 1) >= dropRate).to_type(ScalarType.Float32);
}
