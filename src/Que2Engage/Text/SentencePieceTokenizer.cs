using SpmTokenizer = Microsoft.ML.Tokenizers.SentencePieceTokenizer;

namespace Que2Engage.Text;

/// <summary>
/// XLM-R's tokenizer: a SentencePiece BPE model (<c>sentencepiece.bpe.model</c>) run by Microsoft.ML.Tokenizers,
/// with XLM-R's (fairseq) id layout so a pretrained checkpoint's embedding rows line up: SentencePiece id i ≥ 3 →
/// i + 1, its &lt;unk&gt; → 3, and the special ids of <see cref="ITokenizer"/> ([PAD] 0, [CLS] 1, [SEP] 2 — XLM-R's
/// &lt;s&gt; and &lt;pad&gt; rows are swapped when its weights are loaded). <see cref="VocabSize"/> = pieces + 2
/// (the offset and XLM-R's trailing &lt;mask&gt;), 250,002 for XLM-R itself. Text is not lower-cased (XLM-R is
/// cased); the model's own normaliser (NFKC) applies.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    public const string KindName = "sentencepiece";
    const int UnknownId = 3;
    readonly SpmTokenizer _spm;
    readonly int _pieces;

    public int VocabSize { get; }
    public TokenizerSettings Settings { get; }

    /// <exception cref="InvalidInputException">No model path, or the file is missing or not a SentencePiece model.</exception>
    public SentencePieceTokenizer(TokenizerSettings settings)
    {
        string path = settings.ModelPath ?? throw new InvalidInputException("the sentencepiece tokenizer needs a model file (sentencepiece.bpe.model)");
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read SentencePiece model: {e.Message}", e);
        }
        try
        {
            using (stream) _spm = SpmTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not Que2EngageException)
        {
            throw new InvalidInputException($"{path}: not a SentencePiece model ({e.Message})", e);
        }
        _pieces = _spm.Vocabulary.Count;
        VocabSize = _pieces + 2;
        Settings = settings with { Kind = KindName, VocabSize = VocabSize };
    }

    public static SentencePieceTokenizer FromModel(string modelPath, TokenizerSettings? settings = null) =>
        new((settings ?? new TokenizerSettings()) with { Kind = KindName, ModelPath = modelPath });

    /// <summary>SentencePiece id → model id (fairseq offset; anything out of range is unknown).</summary>
    int ToModelId(int spmId) => spmId == _spm.UnknownId || spmId < 0 || spmId >= _pieces ? UnknownId : spmId + 1;

    public int[] Encode(string text, int maxLen)
    {
        if (maxLen < 2) throw new ArgumentOutOfRangeException(nameof(maxLen), "room for [CLS] and [SEP] is needed");
        var ids = new int[maxLen];
        ids[0] = ITokenizer.ClsId;
        int n = 1;
        if (!string.IsNullOrEmpty(text))
        {
            foreach (int id in _spm.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false))
            {
                if (n >= maxLen - 1) break;
                ids[n++] = ToModelId(id);
            }
        }
        ids[n] = ITokenizer.SepId;
        return ids; // the rest stays [PAD] = 0
    }
}
