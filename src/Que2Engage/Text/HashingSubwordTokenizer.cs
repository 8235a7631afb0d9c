using Que2Engage.Common;

namespace Que2Engage.Text;

/// <summary>
/// Vocabulary-free tokenizer: each normalised word gives one whole-word piece, and words longer than
/// <see cref="TokenizerSettings.PieceLength"/> additionally give fixed-length continuation pieces ("##abcd"), so
/// rare words and typos still share pieces with their correct spelling. Pieces are hashed (FNV-1a 64) into
/// [3, VocabSize). Needs no vocabulary file, works on any language, and is stable across processes.
/// </summary>
public sealed class HashingSubwordTokenizer : ITokenizer
{
    public const string KindName = "hashing-subword";
    private readonly int _regularBuckets;

    public HashingSubwordTokenizer(TokenizerSettings settings)
    {
        if (settings.VocabSize < 16) throw new InvalidInputException($"tokenizer vocab size must be ≥ 16 (got {settings.VocabSize})");
        if (settings.PieceLength < 1) throw new InvalidInputException($"tokenizer piece length must be ≥ 1 (got {settings.PieceLength})");
        Settings = settings;
        _regularBuckets = settings.VocabSize - ITokenizer.FirstRegularId;
    }

    public int VocabSize => Settings.VocabSize;
    public TokenizerSettings Settings { get; }

    public int[] Encode(string text, int maxLen)
    {
        if (maxLen < 2) throw new InvalidInputException($"max tokens must be ≥ 2 (got {maxLen})");
        var ids = new int[maxLen]; // zero-filled = [PAD]
        ids[0] = ITokenizer.ClsId;
        int n = 1;
        int room = maxLen - 1; // last slot reserved for [SEP]
        foreach (var word in TextNormalizer.Words(text))
        {
            foreach (var piece in Pieces(word))
            {
                if (n >= room) goto done;
                ids[n++] = ITokenizer.FirstRegularId + StableHash.Bucket(piece, _regularBuckets);
            }
        }
    done:
        ids[n] = ITokenizer.SepId;
        return ids;
    }

    private IEnumerable<string> Pieces(string word)
    {
        yield return word;
        int len = Settings.PieceLength;
        if (word.Length <= len) yield break;
        for (int start = 0; start < word.Length; start += len)
            yield return "##" + word.Substring(start, Math.Min(len, word.Length - start));
    }
}
