using Microsoft.ML.Tokenizers;

namespace Que2Engage.Text;

/// <summary>
/// BERT's uncased WordPiece tokenizer (a <c>vocab.txt</c>, one token a line) run by Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/> (lower-casing, accent stripping, punctuation and CJK splitting as BERT does). Ids
/// follow the vocabulary except that BERT's [CLS]/[SEP] (101/102) trade places with ids 1/2 ([unused0]/[unused1])
/// so that [PAD] 0, [CLS] 1, [SEP] 2 are <see cref="ITokenizer"/>'s; <see cref="ToVocabularyId"/> undoes it (its own
/// inverse), and a pretrained checkpoint's embedding rows are permuted the same way when loaded.
/// </summary>
public sealed class WordPieceTokenizer : ITokenizer
{
    public const string KindName = "wordpiece";
    readonly BertTokenizer _bert;
    readonly int _vocabCls, _vocabSep;

    public int VocabSize { get; }
    public TokenizerSettings Settings { get; }

    /// <exception cref="InvalidInputException">No vocabulary path, or the file is missing or lacks [PAD]/[CLS]/[SEP]/[UNK].</exception>
    public WordPieceTokenizer(TokenizerSettings settings)
    {
        string path = settings.ModelPath ?? throw new InvalidInputException("the wordpiece tokenizer needs a vocabulary file (vocab.txt)");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read WordPiece vocabulary: {e.Message}", e);
        }
        int Find(string token) => Array.IndexOf(lines, token) is int i and >= 0 ? i
            : throw new InvalidInputException($"{path}: not a BERT WordPiece vocabulary (no '{token}' line)");
        if (Find("[PAD]") != 0) throw new InvalidInputException($"{path}: [PAD] must be the first token (id 0)");
        _vocabCls = Find("[CLS]");
        _vocabSep = Find("[SEP]");
        Find("[UNK]");
        if (_vocabCls <= ITokenizer.SepId || _vocabSep <= ITokenizer.SepId)
            throw new InvalidInputException($"{path}: [CLS] and [SEP] must come after the first three tokens");
        try
        {
            _bert = BertTokenizer.Create(path, new BertOptions { LowerCaseBeforeTokenization = true });
        }
        catch (Exception e) when (e is not OutOfMemoryException and not Que2EngageException)
        {
            throw new InvalidInputException($"{path}: not a WordPiece vocabulary ({e.Message})", e);
        }
        VocabSize = lines.Length;
        Settings = settings with { Kind = KindName, VocabSize = VocabSize };
    }

    public static WordPieceTokenizer FromVocabulary(string vocabPath, TokenizerSettings? settings = null) =>
        new((settings ?? new TokenizerSettings()) with { Kind = KindName, ModelPath = vocabPath });

    /// <summary>Our id ↔ the vocabulary's id (1 ↔ [CLS], 2 ↔ [SEP]; all others unchanged). Its own inverse.</summary>
    public int ToVocabularyId(int id) => id == ITokenizer.ClsId ? _vocabCls
        : id == ITokenizer.SepId ? _vocabSep
        : id == _vocabCls ? ITokenizer.ClsId
        : id == _vocabSep ? ITokenizer.SepId
        : id;

    public int[] Encode(string text, int maxLen)
    {
        if (maxLen < 2) throw new InvalidInputException($"max tokens must be ≥ 2 (got {maxLen})");
        var ids = new int[maxLen];
        ids[0] = ITokenizer.ClsId;
        int n = 1;
        if (!string.IsNullOrEmpty(text))
        {
            foreach (int id in _bert.EncodeToIds(text, maxLen - 2, addSpecialTokens: false, out _, out _))
            {
                if (n >= maxLen - 1) break;
                ids[n++] = ToVocabularyId(id);
            }
        }
        ids[n] = ITokenizer.SepId;
        return ids; // the rest stays [PAD] = 0
    }

    /// <summary>The vocabulary's ids of <paramref name="text"/> with [CLS] … [SEP], untruncated (as BERT itself sees it).</summary>
    public int[] EncodeVocabularyIds(string text) => _bert.EncodeToIds(text, addSpecialTokens: true).ToArray();
}
