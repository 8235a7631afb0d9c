namespace Que2Engage.Text;

/// <summary>Rebuilds a tokenizer from saved settings.</summary>
public static class TokenizerFactory
{
    public static ITokenizer Create(TokenizerSettings settings) => settings.Kind switch
    {
        HashingSubwordTokenizer.KindName => new HashingSubwordTokenizer(settings),
        SentencePieceTokenizer.KindName => new SentencePieceTokenizer(settings),
        WordPieceTokenizer.KindName => new WordPieceTokenizer(settings),
        _ => throw new InvalidInputException($"unknown tokenizer kind '{settings.Kind}' (known: {HashingSubwordTokenizer.KindName}, {SentencePieceTokenizer.KindName}, {WordPieceTokenizer.KindName})"),
    };

    /// <summary>
    /// The tokenizer of a model file: a WordPiece <c>vocab.txt</c> (a text file whose first line is [PAD]) or else a
    /// SentencePiece model.
    /// </summary>
    public static ITokenizer FromModelFile(string path, TokenizerSettings settings)
    {
        bool wordPiece;
        try
        {
            using var reader = new StreamReader(path);
            wordPiece = reader.ReadLine() == "[PAD]";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read tokenizer model: {e.Message}", e);
        }
        return wordPiece ? WordPieceTokenizer.FromVocabulary(path, settings) : SentencePieceTokenizer.FromModel(path, settings);
    }
}
