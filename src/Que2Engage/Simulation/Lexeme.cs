namespace Que2Engage.Simulation;

/// <summary>
/// One concept's surface forms per language (index = <see cref="Languages"/> order). The first form of a language is
/// the most common one; the rest are synonyms.
/// </summary>
public sealed class Lexeme
{
    private readonly string[][] _forms;

    public Lexeme(string en, string es, string fr, string de) : this([en], [es], [fr], [de]) { }

    public Lexeme(string[] en, string[] es, string[] fr, string[] de) => _forms = [en, es, fr, de];

    /// <summary>The concept's language-neutral key (its first English form), used in world.json.</summary>
    public string Key => _forms[0][0];

    public IReadOnlyList<string> Forms(int language) => _forms[language];

    public string Main(int language) => _forms[language][0];

    public IEnumerable<string> AllForms() => _forms.SelectMany(f => f);
}

/// <summary>The listing/query languages of the simulated marketplace.</summary>
public static class Languages
{
    public static readonly string[] Codes = ["en", "es", "fr", "de"];

    /// <summary>Share of listings and queries per language (a US-centred marketplace with a multilingual tail).</summary>
    public static readonly double[] Weights = [0.40, 0.25, 0.20, 0.15];

    public static int Count => Codes.Length;
}
