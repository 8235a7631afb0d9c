namespace Que2Engage.Text;

/// <summary>
/// Everything needed to rebuild a tokenizer exactly; stored in a model's config.json. <see cref="Kind"/> names the
/// implementation ("hashing-subword" is the only one built in).
/// </summary>
public sealed record TokenizerSettings
{
    public string Kind { get; init; } = HashingSubwordTokenizer.KindName;
    /// <summary>Total id space including the special ids 0..2 ([PAD], [CLS], [SEP]).</summary>
    public int VocabSize { get; init; } = 16384;
    /// <summary>Words longer than this are also split into pieces of this many characters.</summary>
    public int PieceLength { get; init; } = 4;
    /// <summary>Buckets of the character-trigram hasher feeding the EmbeddingBag.</summary>
    public int TrigramBuckets { get; init; } = 16384;
    /// <summary>At most this many trigrams are taken from one text (bounds cost on long descriptions).</summary>
    public int MaxTrigrams { get; init; } = 96;
    /// <summary>SentencePiece tokenizer only: path of the <c>sentencepiece.bpe.model</c> file.</summary>
    public string? ModelPath { get; init; }
}
