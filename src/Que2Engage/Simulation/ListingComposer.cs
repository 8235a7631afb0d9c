using System.Text;
using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// Writes a listing's title and description from its hidden attributes in the listing's language, the way sellers
/// do: attributes omitted at random, varying word order, filler, inconsistent casing and typos. The text is the only
/// view a model gets of the attributes, so omissions make relevance genuinely uncertain.
/// </summary>
public sealed class ListingComposer(Taxonomy taxonomy)
{
    private const double TitleTypoRate = 0.03;
    private const double DescriptionTypoRate = 0.015;

    public (string Title, string Description) Compose(in ProductTraits t, Condition condition, int lang, SimRandom rng)
    {
        var cat = taxonomy.Categories[t.Category];
        string noun = PickNoun(cat.Nouns.Forms(lang), rng);
        string? brand = t.Brand >= 0 && rng.Chance(0.7) ? taxonomy.Brands[t.Brand] : null;
        string? colour = rng.Chance(0.65) ? taxonomy.Colours[t.Colour].Main(lang) : null;
        string? material = rng.Chance(0.5) ? taxonomy.Materials[t.Material].Main(lang) : null;
        string? style = rng.Chance(0.35) ? taxonomy.Styles[t.Style].Main(lang) : null;
        var condLex = taxonomy.ConditionPhrases[(int)condition];
        string? cond = condLex is not null && rng.Chance(0.3) ? rng.Pick(condLex.Forms(lang)) : null;
        string? filler = rng.Chance(0.15) ? rng.Pick(taxonomy.Fillers[lang]) : null;

        string title = ComposeTitle(lang, noun, brand, colour, material, style, rng);
        if (cond is not null) title += rng.Pick(Joiners) + cond;
        if (filler is not null) title += rng.Pick(Joiners) + filler;
        title = ApplyCasing(title, rng);
        title = TypoInjector.Sprinkle(title, TitleTypoRate, rng);

        string description = ComposeDescription(t, condition, lang, noun, rng);
        description = TypoInjector.Sprinkle(description, DescriptionTypoRate, rng);
        return (title, description);
    }

    private static readonly string[] Joiners = [" - ", ", ", " | ", " "];

    private static string PickNoun(IReadOnlyList<string> forms, SimRandom rng) =>
        forms.Count == 1 || rng.Chance(0.55) ? forms[0] : forms[1 + rng.NextInt(forms.Count - 1)];

    private string ComposeTitle(int lang, string noun, string? brand, string? colour, string? material, string? style, SimRandom rng)
    {
        bool nounFirstLanguage = lang is 1 or 2; // es, fr put adjectives after the noun
        string? materialPhrase = material is null ? null
            : nounFirstLanguage && rng.Chance(0.7) ? string.Format(taxonomy.MaterialPattern[lang], material) : material;
        var modifiers = new List<string>(4);
        if (nounFirstLanguage)
        {
            foreach (var m in new[] { colour, materialPhrase, style }) if (m is not null) modifiers.Add(m);
        }
        else
        {
            foreach (var m in new[] { style, colour, materialPhrase }) if (m is not null) modifiers.Add(m);
        }
        if (rng.Chance(0.3)) rng.Shuffle(modifiers);

        var sb = new StringBuilder();
        bool brandFirst = brand is not null && rng.Chance(0.6);
        if (brandFirst) sb.Append(brand).Append(' ');
        double layout = rng.NextDouble();
        if (layout < 0.2 && modifiers.Count > 0)
        {
            // "Sofa - red, leather": noun first, attributes as a list
            sb.Append(noun).Append(" - ").Append(string.Join(", ", modifiers));
        }
        else if (nounFirstLanguage)
        {
            sb.Append(noun);
            foreach (var m in modifiers) sb.Append(' ').Append(m);
        }
        else
        {
            foreach (var m in modifiers) sb.Append(m).Append(' ');
            sb.Append(noun);
        }
        if (brand is not null && !brandFirst) sb.Append(' ').Append(brand);
        return sb.ToString();
    }

    private static string ApplyCasing(string s, SimRandom rng)
    {
        double u = rng.NextDouble();
        if (u < 0.05) return s.ToUpperInvariant();
        if (u < 0.25) return s.ToLowerInvariant();
        if (u < 0.60) return string.Join(' ', s.Split(' ').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
        return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    }

    private string ComposeDescription(in ProductTraits t, Condition condition, int lang, string noun, SimRandom rng)
    {
        var labels = taxonomy.LabelPatterns[lang];
        var sentences = new List<string>(6);
        if (rng.Chance(0.5)) sentences.Add(string.Format(labels[0], taxonomy.Colours[t.Colour].Main(lang)));
        if (t.Brand >= 0 && rng.Chance(0.4)) sentences.Add(string.Format(labels[1], taxonomy.Brands[t.Brand]));
        if (rng.Chance(0.3)) sentences.Add(string.Format(labels[2], taxonomy.Styles[t.Style].Main(lang)));
        var condLex = taxonomy.ConditionPhrases[(int)condition];
        if (condLex is not null && rng.Chance(0.6)) sentences.Add(string.Format(labels[3], rng.Pick(condLex.Forms(lang))));
        rng.Shuffle(sentences);

        string first = rng.Pick(taxonomy.Openers[lang]) + " " + noun.ToLowerInvariant();
        if (rng.Chance(0.5))
        {
            string pattern = lang == 0 ? "in {0}" : taxonomy.MaterialPattern[lang]; // English titles say "leather sofa", prose "sofa in leather"
            first += " " + string.Format(pattern, taxonomy.Materials[t.Material].Main(lang).ToLowerInvariant());
        }
        sentences.Insert(0, first + ".");
        if (rng.Chance(0.4)) sentences.Add(rng.Pick(taxonomy.Fillers[lang]) + ".");
        return string.Join(' ', sentences);
    }
}
