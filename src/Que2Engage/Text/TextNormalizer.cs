using System.Globalization;
using System.Text;
using Lucene.Net.Analysis.Miscellaneous;

namespace Que2Engage.Text;

/// <summary>
/// Compatibility folding + lower-case, then splits into words on whitespace and punctuation.
/// Folding is done in managed code, not with <c>string.Normalize(FormKC)</c>: the build runs with
/// InvariantGlobalization (where Normalize does not fold non-ASCII) and ICU versions differ between machines, while
/// token ids must be identical everywhere a saved model is loaded. So: combining diacritics (U+0300–U+036F) are
/// dropped (decomposed "é" and precomposed "é" meet), then Lucene's ASCIIFoldingFilter table folds the
/// compatibility forms NFKC would (full-width letters, ligatures, circled digits) and accented Latin letters to
/// ASCII — accent-insensitive matching is what marketplace search wants anyway. Other scripts pass through. Scripts written without spaces
/// (CJK ideographs, kana, Thai…) are split per character so they still yield tokens; emoji and other symbols are
/// kept as their own one-character words rather than dropped.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var input = new char[text.Length];
        int n = 0;
        foreach (char ch in text)
            if (ch is < '\u0300' or > '\u036F') input[n++] = ch;
        // FoldToASCII writes at most 4 chars per input char.
        var folded = new char[Math.Max(1, 4 * n)];
        int len = ASCIIFoldingFilter.FoldToASCII(input, 0, folded, 0, n);
        return new string(folded, 0, len).ToLowerInvariant();
    }

    public static List<string> Words(string? text)
    {
        var words = new List<string>();
        string s = Normalize(text);
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
        }
        for (int i = 0; i < s.Length; i++)
        {
            int cp;
            int width = 1;
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                cp = char.ConvertToUtf32(s[i], s[i + 1]);
                width = 2;
            }
            else cp = s[i];
            var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
            if (IsSeparator(cat) || char.IsControl(s[i]))
            {
                Flush();
            }
            else if (IsStandalone(cp, cat))
            {
                Flush();
                words.Add(s.Substring(i, width));
            }
            else
            {
                current.Append(s, i, width);
            }
            i += width - 1;
        }
        Flush();
        return words;
    }

    private static bool IsSeparator(UnicodeCategory c) => c switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => true,
        UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse => true,
        _ => false,
    };

    /// <summary>Characters that form a word on their own: symbols (emoji, currency, math) and unspaced scripts.</summary>
    private static bool IsStandalone(int cp, UnicodeCategory c)
    {
        if (c is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
            or UnicodeCategory.ModifierSymbol)
            return true;
        return cp is >= 0x3040 and <= 0x30FF   // hiragana, katakana
            or >= 0x3400 and <= 0x4DBF         // CJK ext A
            or >= 0x4E00 and <= 0x9FFF         // CJK unified
            or >= 0xF900 and <= 0xFAFF         // CJK compatibility
            or >= 0x0E00 and <= 0x0E7F         // Thai
            or >= 0x20000 and <= 0x2FA1F;      // CJK ext B+
    }
}
