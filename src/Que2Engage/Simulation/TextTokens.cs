using System.Text;

namespace Que2Engage.Simulation;

/// <summary>Small text helpers shared by the listing and query composers.</summary>
public static class TextTokens
{
    private static readonly char[] Separators = [' ', ',', '.', ':', ';', '-', '!', '?', '(', ')', '/', '\t'];

    // Written out rather than String.Normalize(FormD): the build uses InvariantGlobalization, and the simulator must
    // behave identically everywhere. Covers every accented letter of the built-in vocabulary.
    private const string Accented = "áàâäãåéèêëíìîïóòôöõúùûüñçÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇ";
    private const string Plain = "aaaaaaeeeeiiiiooooouuuuncAAAAAAEEEEIIIIOOOOOUUUUNC";

    /// <summary>Lower-cased words of a phrase (punctuation dropped).</summary>
    public static IEnumerable<string> Words(string text) =>
        text.ToLowerInvariant().Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Removes diacritics ("sofá" → "sofa"), as many searchers type.</summary>
    public static string StripAccents(string s)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < s.Length; i++)
        {
            int k = Accented.IndexOf(s[i]);
            if (k < 0) continue;
            sb ??= new StringBuilder(s);
            sb[i] = Plain[k];
        }
        return sb?.ToString() ?? s;
    }
}
