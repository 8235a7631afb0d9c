namespace Que2Engage.Simulation;

/// <summary>One generated query: its text (unique within the world), intent, language and split.</summary>
public sealed record SimulatedQuery(string Text, QueryIntent Intent, int Language, bool IsEval);

/// <summary>
/// Builds the world's queries: each intent is taken from a random listing (so every intent has exact matches, and
/// popular kinds of products get more queries), keeps 0–4 of its attributes (generic "couch" to specific
/// "red leather ikea couch"), and is written in one language. Texts are unique: a text produced again by another
/// intent is skipped, so the first intent keeps it. Queries — not sessions — are split into train and eval.
/// </summary>
public static class QuerySynthesizer
{
    private static readonly double[] AttributeCountWeights = [0.30, 0.35, 0.22, 0.10, 0.03];

    public static IReadOnlyList<SimulatedQuery> Create(WorldSettings settings, Taxonomy taxonomy, CatalogTruth catalog)
    {
        var composer = new QueryComposer(taxonomy);
        var languages = settings.LanguageIndices();
        var languageWeights = languages.Select(l => Languages.Weights[l]).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var drafts = new List<(string Text, QueryIntent Intent, int Lang)>(settings.Queries);
        long maxAttempts = 50L * settings.Queries + 1000;
        for (long attempt = 0; drafts.Count < settings.Queries && attempt < maxAttempts; attempt++)
        {
            var rng = SimRandom.For(settings.Seed, "query", attempt);
            var source = catalog.Traits(rng.NextInt(catalog.Count));
            var intent = IntentFrom(source, rng);
            int lang = languages[rng.PickWeighted(languageWeights)];
            string text = composer.Compose(intent, lang, rng);
            if (string.IsNullOrWhiteSpace(text) || !seen.Add(text)) continue;
            drafts.Add((text, intent, lang));
        }

        // Exact eval share: the first round(f·n) of a seeded permutation are held out.
        var order = Enumerable.Range(0, drafts.Count).ToArray();
        SimRandom.For(settings.Seed, "query-split").Shuffle(order);
        int evalCount = (int)Math.Round(settings.EvalQueryFraction * drafts.Count);
        var isEval = new bool[drafts.Count];
        for (int k = 0; k < evalCount; k++) isEval[order[k]] = true;
        return drafts.Select((d, i) => new SimulatedQuery(d.Text, d.Intent, d.Lang, isEval[i])).ToArray();
    }

    private static QueryIntent IntentFrom(in ProductTraits p, SimRandom rng)
    {
        var available = new List<int>(4) { 1, 2, 3 }; // colour, material, style
        if (p.Brand >= 0) available.Add(0);
        rng.Shuffle(available);
        int k = Math.Min(rng.PickWeighted(AttributeCountWeights), available.Count);
        int brand = -1, colour = -1, material = -1, style = -1;
        for (int j = 0; j < k; j++)
        {
            switch (available[j])
            {
                case 0: brand = p.Brand; break;
                case 1: colour = p.Colour; break;
                case 2: material = p.Material; break;
                default: style = p.Style; break;
            }
        }
        return new QueryIntent(p.Category, brand, colour, material, style);
    }
}
