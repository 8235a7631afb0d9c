namespace Que2Engage.Text;

/// <summary>Rebuilds a tokenizer from saved settings.</summary>
public static class TokenizerFactory
{
    public static ITokenizer Create(TokenizerSettings settings) => settings.Kind switch
    {
        HashingSubwordTokenizer.KindName => new HashingSubwordTokenizer(settings),
        SentencePieceTokenizer.KindName => new SentencePieceTokenizer(settings),
        _ => throw new InvalidInputException($"unknown tokenizer kind '{settings.Kind}' (known: {HashingSubwordTokenizer.KindName}, {SentencePieceTokenizer.KindName})"),
    };
}
