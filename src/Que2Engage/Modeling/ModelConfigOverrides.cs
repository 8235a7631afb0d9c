namespace Que2Engage.Modeling;

/// <summary>
/// The <see cref="ModelConfig"/> knobs a run sets over its preset (<see cref="ModelConfig.Preset"/>); null = the
/// preset's value. One record, so that train, ablation, demo and bench pass every override through as one value.
/// </summary>
public sealed record ModelConfigOverrides
{
    public int? BatchSize { get; init; }
    public double? LearningRate { get; init; }
    /// <summary>Learning rate of the parts a checkpoint does not initialise (<see cref="ModelConfig.HeadLearningRate"/>); null = the learning rate.</summary>
    public double? HeadLearningRate { get; init; }
    public int? DModel { get; init; }
    public int? Heads { get; init; }
    public int? Ffn { get; init; }
    public int? QueryLayers { get; init; }
    public int? TextLayers { get; init; }
    public int? FusionLayers { get; init; }
    /// <summary>Layers of the Que2Search text encoder (null = the preset's; an ONNX init: all of the checkpoint's).</summary>
    public int? Que2SearchTextLayers { get; init; }
    public int? Dim { get; init; }
    public int? QueryMaxTokens { get; init; }
    public int? DocMaxTokens { get; init; }
    public int? VocabSize { get; init; }
    public int? TrigramBuckets { get; init; }
    /// <summary>Checkpoint to initialise the encoders from (<see cref="Pretrained.PretrainedInit"/>); null = random.</summary>
    public string? InitCheckpoint { get; init; }
    /// <summary>SentencePiece model or WordPiece vocab.txt to tokenize with instead of the hashing tokenizer.</summary>
    public string? TokenizerModel { get; init; }
    /// <summary>Mean pooling instead of [CLS] (<see cref="ModelConfig.MeanPooling"/>).</summary>
    public bool? MeanPooling { get; init; }
    /// <summary>ε of the token-embedding LayerNorm (<see cref="ModelConfig.EmbeddingNormEpsilon"/>).</summary>
    public double? EmbeddingNormEpsilon { get; init; }
    /// <summary>Text-residual towers (<see cref="ModelConfig.TextResidual"/>; off in the presets, an ONNX init turns it on).</summary>
    public bool? TextResidual { get; init; }
    public double? Dropout { get; init; }
    /// <summary>
    /// Sparse gradients for the token and trigram tables and lazy Adam (<see cref="ModelConfig.SparseEmbeddingGradients"/>);
    /// false = dense Adam over every row.
    /// </summary>
    public bool? LazyAdam { get; init; }
    public double? ContextDropRate { get; init; }
    public double? ImageDropRate { get; init; }
    public double? TextDropRate { get; init; }

    /// <summary>These overrides, with every knob they leave open (null) taken from <paramref name="fallback"/>.</summary>
    public ModelConfigOverrides Or(ModelConfigOverrides fallback)
    {
        var merged = this with { };
        foreach (var property in typeof(ModelConfigOverrides).GetProperties())
            if (property.GetValue(merged) is null) property.SetValue(merged, property.GetValue(fallback));
        return merged;
    }

    /// <summary><paramref name="p"/> (a preset) with these overrides; a tokenizer model is read for its settings.</summary>
    public ModelConfig ApplyTo(ModelConfig p) => p with
    {
        DModel = DModel ?? p.DModel,
        Heads = Heads ?? p.Heads,
        Ffn = Ffn ?? p.Ffn,
        QueryLayers = QueryLayers ?? p.QueryLayers,
        TextLayers = TextLayers ?? p.TextLayers,
        FusionLayers = FusionLayers ?? p.FusionLayers,
        Que2SearchTextLayers = Que2SearchTextLayers ?? p.Que2SearchTextLayers,
        TextResidual = TextResidual ?? p.TextResidual,
        HeadLearningRate = HeadLearningRate ?? p.HeadLearningRate,
        Dim = Dim ?? p.Dim,
        MeanPooling = MeanPooling ?? p.MeanPooling,
        EmbeddingNormEpsilon = EmbeddingNormEpsilon ?? p.EmbeddingNormEpsilon,
        QueryMaxTokens = QueryMaxTokens ?? p.QueryMaxTokens,
        DocMaxTokens = DocMaxTokens ?? p.DocMaxTokens,
        Dropout = Dropout ?? p.Dropout,
        SparseEmbeddingGradients = LazyAdam ?? p.SparseEmbeddingGradients,
        ContextDropRate = ContextDropRate ?? p.ContextDropRate,
        ImageDropRate = ImageDropRate ?? p.ImageDropRate,
        TextDropRate = TextDropRate ?? p.TextDropRate,
        BatchSize = BatchSize ?? p.BatchSize,
        LearningRate = LearningRate ?? p.LearningRate,
        Tokenizer = TokenizerModel is null
            ? p.Tokenizer with
            {
                VocabSize = VocabSize ?? p.Tokenizer.VocabSize,
                TrigramBuckets = TrigramBuckets ?? p.Tokenizer.TrigramBuckets,
            }
            : Text.TokenizerFactory.FromModelFile(Path.GetFullPath(TokenizerModel),
                p.Tokenizer with { TrigramBuckets = TrigramBuckets ?? p.Tokenizer.TrigramBuckets }).Settings,
    };
}
