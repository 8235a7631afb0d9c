using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary>Filters applied inside the retrievers: k hits at 1 % selectivity, recall against exact filtered search, Lucene filters.</summary>
public class FilteredSearchTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static OrdinalSet RandomSubset(int n, double share, int seed)
    {
        var rng = new Random(seed);
        var set = new OrdinalSet(n);
        for (int i = 0; i < n; i++) if (rng.NextDouble() < share) set.Add(i);
        return set;
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.30)]
    [InlineData(0.50)] // these two take the filtered graph walk (the smaller shares an exact scan of the allowed set)
    [InlineData(0.90)]
    public void FilteredHnswReturnsKHitsWithRecallAtLeast95PercentOfExactFilteredSearch(double share)
    {
        const int n = 4000, dim = 32, k = 10;
        var data = VectorData.Clustered(n, dim, clusters: 20, spread: 0.3f, seed: 3);
        var hnsw = new HnswIndex(dim, new HnswOptions { M = 12, EfConstruction = 100, DefaultEf = 64 }, n);
        var flat = new FlatIndex(dim, n);
        foreach (var v in data) { hnsw.Add(v); flat.Add(v); }
        var allowed = RandomSubset(n, share, seed: 11);
        var queries = VectorData.Clustered(100, dim, clusters: 20, spread: 0.3f, seed: 3 + 1000);
        double found = 0, wanted = 0;
        foreach (var q in queries)
        {
            var hits = hnsw.Search(q, k, new SearchParameters(Allowed: allowed));
            Assert.Equal(k, hits.Count);
            Assert.All(hits, h => Assert.True(allowed.Contains(h.Id)));
            var truth = flat.Search(q, k, new SearchParameters(Allowed: allowed)).Select(h => h.Id).ToHashSet();
            Assert.Equal(k, truth.Count);
            found += hits.Count(h => truth.Contains(h.Id));
            wanted += k;
        }
        Assert.True(found / wanted >= 0.95, $"recall@{k} {found / wanted:F3} at selectivity {share}");
    }

    [Fact]
    public void AnEmptyOrTinyAllowedSetGivesOnlyItsMembers()
    {
        var data = VectorData.Random(500, 16, 1);
        var hnsw = new HnswIndex(16, new HnswOptions { M = 8, EfConstruction = 40 }, 500);
        foreach (var v in data) hnsw.Add(v);
        Assert.Empty(hnsw.Search(data[0], 10, new SearchParameters(Allowed: new OrdinalSet())));
        var two = new OrdinalSet();
        two.Add(7); two.Add(400);
        Assert.Equal(new[] { 7, 400 }.ToHashSet(), hnsw.Search(data[7], 10, new SearchParameters(Allowed: two)).Select(h => h.Id).ToHashSet());
    }

    private static List<Product> PricedCatalog(int n)
    {
        string[] conditions = ["new", "like_new", "good", "fair"];
        var rng = new Random(5);
        return TestCatalog.Generated(n, seed: 4).Select((p, i) => p with
        {
            Price = i % 100 == 0 ? 5 : 50 + rng.Next(500),           // exactly 1 % cost 5
            Condition = ConditionNames.TryParse(conditions[i % 4], out var c) ? c : Condition.Unknown,
            DistanceKm = i % 3 == 0 ? null : i % 50,
            PhotoCount = i % 7 == 0 ? 0 : 2,
            SellerRating = i % 5 == 0 ? null : (i % 6) * 0.9,
        }).ToList();
    }

    [Theory]
    [InlineData(SearchMode.Hybrid)]
    [InlineData(SearchMode.Ebr)]
    [InlineData(SearchMode.Lexical)]
    public void ACatalogFilterOnOnePercentOfListingsStillFillsKHitsInEveryMode(SearchMode mode)
    {
        var model = new TrigramEmbedder(64);
        var products = PricedCatalog(2000);
        CatalogIndex.Build(products, model, Path.Combine(_root, "idx"), new IndexBuildOptions { M = 8, EfConstruction = 60 });
        using var index = CatalogIndex.Open(Path.Combine(_root, "idx"));
        var filter = new SearchFilter { MaxPrice = 10 };
        var hits = index.Search("item", index.EmbedQuery(model, "item"), 10, mode, filter: filter);
        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.Equal(5, h.Product.Price));
    }

    [Fact]
    public void EveryFilterFieldAgreesBetweenTheRetrieversAndMatches()
    {
        var model = new TrigramEmbedder(64);
        var products = PricedCatalog(600);
        CatalogIndex.Build(products, model, Path.Combine(_root, "idx"), new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        using var index = CatalogIndex.Open(Path.Combine(_root, "idx"));
        var filters = new[]
        {
            new SearchFilter { MinPrice = 100, MaxPrice = 200 },
            new SearchFilter { Conditions = ["new", "fair"] },
            new SearchFilter { Category = "SOFA" },
            new SearchFilter { MaxDistanceKm = 10 },
            new SearchFilter { MinSellerRating = 3.5 },
            new SearchFilter { HasPhoto = false },
            new SearchFilter { HasPhoto = true, Conditions = ["good"], MaxPrice = 300 },
        };
        var entries = products.Select(CatalogEntry.From).ToList();
        foreach (var f in filters)
        {
            var expected = entries.Where(f.Matches).Select(e => e.ProductId).ToHashSet();
            Assert.NotEmpty(expected);
            Assert.True(expected.Count < entries.Count);
            // k ≥ catalog: each retriever returns exactly the passing set (lexical: those containing the word "item").
            var ebr = index.Search("item", index.EmbedQuery(model, "item"), 1000, SearchMode.Ebr, filter: f);
            Assert.Equal(expected, ebr.Select(h => h.Product.ProductId).ToHashSet());
            var lexical = index.Search("item", null, 1000, SearchMode.Lexical, filter: f);
            Assert.Equal(expected, lexical.Select(h => h.Product.ProductId).ToHashSet());
        }
    }

    [Fact]
    public void ParseReadsEveryParameterAndNamesTheBadOne()
    {
        var values = new Dictionary<string, string[]>
        {
            ["min_price"] = ["10"], ["max_price"] = ["99.5"], ["condition"] = ["new", "like_new,good"], ["category"] = ["Sofa"],
            ["max_distance_km"] = ["25"], ["min_seller_rating"] = ["4"], ["has_photo"] = ["true"],
        };
        var f = SearchFilter.Parse(n => values.TryGetValue(n, out var v) ? v : []);
        Assert.Equal(10, f.MinPrice);
        Assert.Equal(99.5, f.MaxPrice);
        Assert.Equal(["new", "like_new", "good"], f.Conditions!);
        Assert.Equal("Sofa", f.Category);
        Assert.Equal(25, f.MaxDistanceKm);
        Assert.Equal(4, f.MinSellerRating);
        Assert.True(f.HasPhoto);
        Assert.Equal(values.Values.Sum(v => v.Length) + 1, f.ToParameters().Count()); // "like_new,good" is two

        Assert.True(SearchFilter.Parse(_ => []).IsEmpty);
        Assert.Contains("'min_price'", Assert.Throws<InvalidInputException>(() => SearchFilter.Parse(n => n == "min_price" ? ["cheap"] : [])).Message);
        Assert.Contains("'condition'", Assert.Throws<InvalidInputException>(() => SearchFilter.Parse(n => n == "condition" ? ["mint"] : [])).Message);
        Assert.Contains("'min_seller_rating'", Assert.Throws<InvalidInputException>(() => SearchFilter.Parse(n => n == "min_seller_rating" ? ["6"] : [])).Message);
        Assert.Contains("'has_photo'", Assert.Throws<InvalidInputException>(() => SearchFilter.Parse(n => n == "has_photo" ? ["maybe"] : [])).Message);
        Assert.Contains("above 'max_price'", Assert.Throws<InvalidInputException>(() =>
            SearchFilter.Parse(n => n == "min_price" ? ["5"] : n == "max_price" ? ["1"] : [])).Message);
    }
}
