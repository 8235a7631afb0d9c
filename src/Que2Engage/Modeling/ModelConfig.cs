using Que2Engage.Text;

namespace Que2Engage.Modeling;

/// <summary>
/// Every architecture knob of a two-tower model, plus the preset training defaults (batch, lr). Serialised into a
/// model directory's config.json so a model can be rebuilt from MODEL_DIR alone.
/// </summary>
public sealed record ModelConfig
{
    public ModelKind Kind { get; init; } = ModelKind.Que2Engage;
    /// <summary>Que2Search only: add the context-encoder vector to the attention fusion ("w/ contextual encoder").</summary>
    public bool ContextEncoder { get; init; }
    public int DModel { get; init; } = 128;
    public int Heads { get; init; } = 4;
    public int Ffn { get; init; } = 512;
    public int QueryLayers { get; init; } = 2;
    /// <summary>K: text-encoder layers of the Que2Engage document tower (0 = token+position embeddings only, the paper's best).</summary>
    public int TextLayers { get; init; }
    /// <summary>M: fusion transformer layers of the Que2Engage document tower.</summary>
    public int FusionLayers { get; init; } = 2;
    /// <summary>Text-encoder layers of the Que2Search document tower (Que2Search uses 2).</summary>
    public int Que2SearchTextLayers { get; init; } = 2;
    /// <summary>
    /// Query tower and Que2Search text encoder output: the mean of the non-[PAD] token outputs instead of [CLS] — what
    /// sentence encoders such as all-MiniLM-L6-v2 are trained to produce (set by initialising from <c>minilm</c>).
    /// </summary>
    public bool MeanPooling { get; init; }
    /// <summary>
    /// ε of the token-embedding LayerNorm (libtorch's default 1e-5; a BERT checkpoint's 1e-12 when initialised from one —
    /// its summed embeddings have a variance near 1e-3, where 1e-5 would shift every normalised value by ~0.5 %).
    /// </summary>
    public double EmbeddingNormEpsilon { get; init; } = 1e-5;
    /// <summary>
    /// The embedding is the pooled text vector plus a residual of the tower's other features whose last layer starts at
    /// zero (query tower: head(pooled, trigrams); Que2Search: projection(attention fusion); Que2Engage: projection of the
    /// fused [CLS] added to the text positions' mean). A model initialised from a sentence encoder (<c>minilm</c>
    /// as <see cref="ModelConfigOverrides.InitCheckpoint"/>) then starts out computing that encoder's sentence embedding instead of a random projection of it.
    /// Needs <see cref="Dim"/> = <see cref="DModel"/> and <see cref="MeanPooling"/>.
    /// </summary>
    public bool TextResidual { get; init; }
    /// <summary>
    /// Adam learning rate of the parameters a pretrained checkpoint does not initialise (heads, trigram bags, fusion,
    /// projection) when fine-tuning; the pretrained ones use <see cref="LearningRate"/>. null = one rate for all.
    /// </summary>
    public double? HeadLearningRate { get; init; }
    /// <summary>D: embedding dimension of both towers.</summary>
    public int Dim { get; init; } = 128;
    public double Dropout { get; init; }
    /// <summary>
    /// The token and trigram tables produce sparse gradients (only the rows a batch touches) and training uses
    /// lazy Adam (Training/LazyAdam.cs), which updates only those rows: a named departure from dense Adam (issue 11).
    /// Off for small (dense Adam, as before); on for paper, where the tables are ~150M of 210M parameters.
    /// </summary>
    public bool SparseEmbeddingGradients { get; init; }
    /// <summary>
    /// Token budgets. small uses 20/48 (on the simulated catalogue p99 of query tokens is 19 and p90 of
    /// title+description tokens is 44; every padded token costs fusion-transformer FLOPs on CPU); paper uses 32/64.
    /// </summary>
    public int QueryMaxTokens { get; init; } = 20;
    public int DocMaxTokens { get; init; } = 48;
    public int MaxImages { get; init; } = 4;
    /// <summary>Dimension of product image embeddings, taken from the training data (0 = no images seen).</summary>
    public int ImageDim { get; init; }
    /// <summary>
    /// A scalar document engagement prior g(d) read (Que2Engage tower) from the fused [CLS], image and context
    /// tokens, so that the engagement logit is s·κ(q,d) + g(d) + b (a departure from the paper, which has s·κ + b).
    /// Served as one extra embedding coordinate: documents carry g(d)/s, queries a weight w, so one inner product
    /// ranks by κ + w·g/s (w = 0: relevance only; w = 1: the engagement logit's order). See TwoTowerModel.
    /// </summary>
    public bool EngagementPrior { get; init; }
    /// <summary>
    /// The serving setting of a model with the engagement prior: the query weight w (score κ + w·g/s) that
    /// <c>evaluate</c>, <c>search</c> and <c>serve</c> use unless told otherwise (<see cref="TwoTowerModel.EngagementWeight"/>).
    /// </summary>
    public double ServingEngagementWeight { get; init; } = 1.0;
    /// <summary>Modality dropout (Que2Engage tower, training mode only).</summary>
    public bool ModalityDropout { get; init; }
    public double ContextDropRate { get; init; } = 0.5;
    public double ImageDropRate { get; init; }
    public double TextDropRate { get; init; } = 0.5;
    /// <summary>s: the logit scale applied to cosine similarities in every objective.</summary>
    public double Scale { get; init; } = 20.0;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public TokenizerSettings Tokenizer { get; init; } = new();

    public static IReadOnlyList<string> PresetNames { get; } = ["small", "paper"];

    /// <summary>
    /// small: a CPU-sized model (d 128, 4 heads, ffn 512, query 2, fusion 2, D 128, batch 256, Adam lr 1e-3). paper: the paper's sizes
    /// (d 768, 12 heads, ffn 3072, query 2, fusion 6, D 256, batch 512, Adam lr 4e-4).
    /// </summary>
    public static ModelConfig Preset(string name) => name.Trim().ToLowerInvariant() switch
    {
        "small" => new ModelConfig(),
        "paper" => new ModelConfig
        {
            DModel = 768, Heads = 12, Ffn = 3072, QueryLayers = 2, TextLayers = 0, FusionLayers = 6,
            Que2SearchTextLayers = 2, Dim = 256, BatchSize = 512, LearningRate = 4e-4, Dropout = 0.1,
            QueryMaxTokens = 32, DocMaxTokens = 64, SparseEmbeddingGradients = true,
            Tokenizer = new TokenizerSettings { VocabSize = 65536, TrigramBuckets = 65536 },
        },
        _ => throw new InvalidInputException($"unknown preset '{name}' (known: {string.Join(", ", PresetNames)})"),
    };

    /// <summary>Throws <see cref="InvalidInputException"/> naming the first inconsistent knob.</summary>
    public void Validate()
    {
        // A knob a front end sets from its own input is named as a setting (ModelConfig.X), so the CLI shows its flag
        // ("--lr must be > 0 (got NaN)", see Que2EngageException.Settings) instead of a name the user never typed.
        static void Require(bool ok, string message, params string[] settings)
        {
            if (!ok) throw settings.Length == 0 ? new InvalidInputException(message) : InvalidInputException.Setting(message, settings);
        }
        Require(DModel > 0 && Heads > 0 && DModel % Heads == 0, $"ModelConfig.DModel ({DModel}) must be a positive multiple of ModelConfig.Heads ({Heads})",
            "ModelConfig.DModel", "ModelConfig.Heads");
        Require(Ffn > 0, $"ModelConfig.Ffn must be > 0 (got {Ffn})", "ModelConfig.Ffn");
        Require(QueryLayers >= 1, $"ModelConfig.QueryLayers must be ≥ 1 (got {QueryLayers})", "ModelConfig.QueryLayers");
        Require(TextLayers >= 0, $"ModelConfig.TextLayers must be ≥ 0 (got {TextLayers})", "ModelConfig.TextLayers");
        Require(FusionLayers >= 1, $"ModelConfig.FusionLayers must be ≥ 1 (got {FusionLayers})", "ModelConfig.FusionLayers");
        Require(Que2SearchTextLayers >= 1, $"que2search text layers must be ≥ 1 (got {Que2SearchTextLayers})");
        Require(Dim > 0, $"ModelConfig.Dim must be > 0 (got {Dim})", "ModelConfig.Dim");
        Require(EmbeddingNormEpsilon > 0 && EmbeddingNormEpsilon < 1, $"embedding LayerNorm ε must be in (0, 1) (got {EmbeddingNormEpsilon})");
        Require(Dropout is >= 0 and < 1, $"dropout must be in [0, 1) (got {Dropout})");
        Require(QueryMaxTokens >= 2, $"ModelConfig.QueryMaxTokens must be ≥ 2 (got {QueryMaxTokens})", "ModelConfig.QueryMaxTokens");
        Require(DocMaxTokens >= 2, $"ModelConfig.DocMaxTokens must be ≥ 2 (got {DocMaxTokens})", "ModelConfig.DocMaxTokens");
        Require(MaxImages >= 1, $"max images must be ≥ 1 (got {MaxImages})");
        Require(ImageDim >= 0, $"image dim must be ≥ 0 (got {ImageDim})");
        Require(ContextDropRate is >= 0 and <= 1 && ImageDropRate is >= 0 and <= 1 && TextDropRate is >= 0 and <= 1,
            "modality drop rates must be in [0, 1]");
        Require(double.IsFinite(ServingEngagementWeight), $"serving engagement weight must be finite (got {ServingEngagementWeight})");
        Require(Scale > 0, $"scale must be > 0 (got {Scale})");
        Require(BatchSize >= 2, $"ModelConfig.BatchSize must be ≥ 2 (got {BatchSize})", "ModelConfig.BatchSize");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"ModelConfig.LearningRate must be finite and > 0 (got {LearningRate})", "ModelConfig.LearningRate");
        Require(HeadLearningRate is null || (HeadLearningRate > 0 && double.IsFinite(HeadLearningRate.Value)),
            $"ModelConfig.HeadLearningRate must be finite and > 0 (got {HeadLearningRate})", "ModelConfig.HeadLearningRate");
        Require(!TextResidual || (Dim == DModel && MeanPooling), $"the text-residual towers need dim = d_model ({Dim} ≠ {DModel}) and mean pooling");
    }
}
