namespace Que2Engage.Simulation;

/// <summary>
/// Writes a query for an intent the way searchers type: lower case, any synonym of the product type, shorthand
/// ("tv", "bici", "blk"), dropped accents, loose word order and the occasional typo.
/// </summary>
public sealed class QueryComposer(Taxonomy taxonomy)
{
    public const double TypoRate = 0.12;
    public const double AbbreviationRate = 0.35;
    public const double AccentDropRate = 0.3;

    public string Compose(in QueryIntent intent, int lang, SimRandom rng)
    {
        var cat = taxonomy.Categories[intent.Category];
        string noun = Shorten(rng.Pick(cat.Nouns.Forms(lang)).ToLowerInvariant(), lang, rng);
        bool nounFirstLanguage = lang is 1 or 2;
        var parts = new List<string>(5);
        string? brand = intent.Brand >= 0 ? taxonomy.Brands[intent.Brand] : null;
        string? colour = intent.Colour >= 0 ? Shorten(taxonomy.Colours[intent.Colour].Main(lang).ToLowerInvariant(), lang, rng) : null;
        string? material = null;
        if (intent.Material >= 0)
        {
            material = Shorten(taxonomy.Materials[intent.Material].Main(lang).ToLowerInvariant(), lang, rng);
            if (lang != 0 && rng.Chance(0.4)) material = string.Format(taxonomy.MaterialPattern[lang], material);
        }
        string? style = intent.Style >= 0 ? taxonomy.Styles[intent.Style].Main(lang).ToLowerInvariant() : null;

        if (nounFirstLanguage)
        {
            parts.Add(noun);
            foreach (var p in new[] { colour, material, style, brand }) if (p is not null) parts.Add(p);
        }
        else
        {
            foreach (var p in new[] { colour, material, style }) if (p is not null) parts.Add(p);
            if (brand is not null) parts.Insert(0, brand);
            parts.Add(noun);
        }
        if (parts.Count > 1 && rng.Chance(0.25)) rng.Shuffle(parts);

        string text = string.Join(' ', parts);
        if (lang != 0 && rng.Chance(AccentDropRate)) text = TextTokens.StripAccents(text);
        if (rng.Chance(TypoRate))
        {
            var words = text.Split(' ');
            var candidates = Enumerable.Range(0, words.Length).Where(i => words[i].Length >= 4).ToArray();
            if (candidates.Length > 0)
            {
                int w = rng.Pick(candidates);
                words[w] = TypoInjector.Misspell(words[w], rng);
                text = string.Join(' ', words);
            }
        }
        return text;
    }

    private string Shorten(string form, int lang, SimRandom rng) =>
        taxonomy.Abbreviations[lang].TryGetValue(form, out var shortForm) && rng.Chance(AbbreviationRate) ? shortForm : form;
}
