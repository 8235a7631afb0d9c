using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// The hidden truth of a simulated marketplace (world.json): every product's attributes and attractiveness, every
/// generated query's intent, and the engagement law — enough to recompute r(q,p) and P(engage | q,p,pos) for ANY
/// pair, e.g. for a simulated online A/B test of a retrieval model.
/// </summary>
public sealed class World : IGroundTruth
{
    private readonly IReadOnlyList<string> _productIds;
    private readonly Dictionary<string, int> _queryIndex = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _productIndex;

    public World(WorldSettings settings, Taxonomy taxonomy, CatalogTruth catalog, IReadOnlyList<string> productIds, IReadOnlyList<SimulatedQuery> queries)
    {
        if (productIds.Count != catalog.Count)
            throw new ArgumentException($"{productIds.Count} product ids for {catalog.Count} products", nameof(productIds));
        Settings = settings;
        Taxonomy = taxonomy;
        Catalog = catalog;
        Queries = queries;
        _productIds = productIds;
        for (int q = 0; q < queries.Count; q++) _queryIndex.TryAdd(queries[q].Text, q); // first intent keeps a text
    }

    public WorldSettings Settings { get; }
    public Taxonomy Taxonomy { get; }
    public CatalogTruth Catalog { get; }
    public IReadOnlyList<SimulatedQuery> Queries { get; }
    public IReadOnlyList<string> ProductIds => _productIds;
    public EngagementParameters Engagement => Settings.Engagement;

    public static World Load(string path) => WorldJson.Read(path);

    /// <summary>Where a data directory keeps its world: <c>DIR/world.json</c>.</summary>
    public static string PathIn(string dataDir) => Path.Combine(dataDir, DataFiles.WorldFile);

    /// <summary>The world of a simulated data directory, or null for real (imported) data, which has no world.json.</summary>
    public static World? LoadIfPresent(string dataDir) => File.Exists(PathIn(dataDir)) ? Load(PathIn(dataDir)) : null;

    /// <summary>Streams the world to <paramref name="path"/> (atomically: a temp file renamed on success).</summary>
    public void Save(string path) => WorldJson.Write(this, path);

    public bool KnowsQuery(string query) => _queryIndex.ContainsKey(query);

    public bool TryGetIntent(string query, out QueryIntent intent)
    {
        bool known = _queryIndex.TryGetValue(query, out int q);
        intent = known ? Queries[q].Intent : default;
        return known;
    }

    public int Relevance(string query, string productId) =>
        RelevanceRule.Rate(IntentOf(query), Catalog.Traits(ProductIndex(productId)));

    public double EngagementProbability(string query, string productId, int position)
    {
        if (position < 1) throw new InvalidInputException($"position must be 1 or more (got {position}).");
        int p = ProductIndex(productId);
        int r = RelevanceRule.Rate(IntentOf(query), Catalog.Traits(p));
        return Engagement.Probability(r, Catalog.Attractiveness(p), position);
    }

    /// <summary>The product's hidden standardised attractiveness A(p).</summary>
    public float Attractiveness(string productId) => Catalog.Attractiveness(ProductIndex(productId));

    public ProductTraits Traits(string productId) => Catalog.Traits(ProductIndex(productId));

    private QueryIntent IntentOf(string query) =>
        _queryIndex.TryGetValue(query, out int q) ? Queries[q].Intent
            : throw new InvalidInputException($"the world does not know the query '{query}' (only generated queries have a ground truth).");

    private int ProductIndex(string productId)
    {
        _productIndex ??= BuildProductIndex();
        return _productIndex.TryGetValue(productId, out int i) ? i
            : throw new InvalidInputException($"the world does not know product '{productId}'.");
    }

    private Dictionary<string, int> BuildProductIndex()
    {
        var index = new Dictionary<string, int>(_productIds.Count, StringComparer.Ordinal);
        for (int i = 0; i < _productIds.Count; i++)
            if (!index.TryAdd(_productIds[i], i)) throw new InvalidInputException($"duplicate product id '{_productIds[i]}' in the world.");
        return index;
    }
}

/// <summary>Product ids of a generated catalog, computed on demand instead of a million stored strings.</summary>
internal sealed class GeneratedProductIds(int count) : IReadOnlyList<string>
{
    public string this[int index] => (uint)index < (uint)count ? ProductSynthesizer.ProductId(index) : throw new ArgumentOutOfRangeException(nameof(index));
    public int Count => count;
    public IEnumerator<string> GetEnumerator() { for (int i = 0; i < count; i++) yield return this[i]; }
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
