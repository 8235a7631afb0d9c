namespace Que2Engage.Text;

/// <summary>
/// Turns text into token ids: <c>[CLS] tokens… [SEP] [PAD]…</c>, exactly <c>maxLen</c> long, with
/// <see cref="PadId"/> = 0 so an embedding's padding row and the attention key-padding mask agree.
/// </summary>
public interface ITokenizer
{
    public const int PadId = 0;
    public const int ClsId = 1;
    public const int SepId = 2;
    public const int FirstRegularId = 3;

    int VocabSize { get; }
    TokenizerSettings Settings { get; }
    int[] Encode(string text, int maxLen);
}
