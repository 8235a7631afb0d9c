namespace Que2Engage.Simulation;

/// <summary>
/// What a query's "production system" can draw from: exact matches (r=2), same-category partial matches (r=1), and
/// lexical false positives (r=0 products from another category that share one of the query's words — an attribute
/// value such as the colour or brand; for an attribute-less query, a product from a sibling category of the same
/// department). Built per query by one scan of its category and thrown away after use.
/// </summary>
public sealed class CandidatePools
{
    private const int LexicalTries = 400;

    private readonly CatalogTruth _catalog;
    private readonly Taxonomy _taxonomy;
    private readonly QueryIntent _intent;

    public int[] Exact { get; }
    public int[] Partial { get; }

    public CandidatePools(CatalogTruth catalog, Taxonomy taxonomy, in QueryIntent intent)
    {
        _catalog = catalog;
        _taxonomy = taxonomy;
        _intent = intent;
        var members = catalog.CategoryMembers(intent.Category);
        if (intent.SpecifiedAttributes == 0)
        {
            Exact = members;
            Partial = [];
            return;
        }
        var exact = new List<int>();
        var partial = new List<int>();
        foreach (int i in members)
            (RelevanceRule.Rate(intent, catalog.Traits(i)) == 2 ? exact : partial).Add(i);
        Exact = exact.ToArray();
        Partial = partial.ToArray();
    }

    /// <summary>A lexical false positive by rejection sampling over the whole catalog; -1 if none was found.</summary>
    public int DrawLexicalFalsePositive(SimRandom rng)
    {
        string department = _taxonomy.Categories[_intent.Category].Department;
        bool hasWords = _intent.SpecifiedAttributes > 0;
        for (int t = 0; t < LexicalTries; t++)
        {
            int i = rng.NextInt(_catalog.Count);
            var p = _catalog.Traits(i);
            if (p.Category == _intent.Category) continue;
            if (hasWords ? _intent.SharesAttributeWith(p) : _taxonomy.Categories[p.Category].Department == department) return i;
        }
        return -1;
    }

    /// <summary>Any product of another category (a plain irrelevant one); -1 if the catalog has a single category.</summary>
    public int DrawIrrelevant(SimRandom rng)
    {
        for (int t = 0; t < LexicalTries; t++)
        {
            int i = rng.NextInt(_catalog.Count);
            if (_catalog.Traits(i).Category != _intent.Category) return i;
        }
        return -1;
    }
}
