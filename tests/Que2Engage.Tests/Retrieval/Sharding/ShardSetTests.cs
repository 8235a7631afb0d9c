using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Tests.Retrieval.Sharding;

public class ShardSetTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);
    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void EveryProductLandsInTheShardItsIdHashesTo()
    {
        var products = TestCatalog.Generated(300, seed: 3);
        var dir = Path.Combine(_root, "sharded");
        var m = ShardSet.Build(products, _model, dir, 3, new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        Assert.Equal(3, m.Shards);
        Assert.Equal(300, m.ProductsPerShard.Sum());
        Assert.All(m.ProductsPerShard, n => Assert.InRange(n, 60, 140));   // a hash, not one bucket
        Assert.Equal(m, ShardSetManifest.Read(dir) with { ProductsPerShard = m.ProductsPerShard });
        for (int s = 0; s < 3; s++)
        {
            using var shard = CatalogIndex.Open(ShardSet.ShardDirectory(dir, s));
            Assert.Equal(m.ProductsPerShard[s], shard.Count);
            Assert.All(shard.Products, p => Assert.Equal(s, ShardSet.ShardOf(p.ProductId, 3)));
        }
        Assert.Empty(Directory.GetFileSystemEntries(dir, ".*"));          // no lock files or staging left
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void RefusesToOverwriteSomethingElse()
    {
        var dir = Path.Combine(_root, "other");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var e = Assert.Throws<InvalidInputException>(() => ShardSet.Build(TestCatalog.Small(), _model, dir, 2));
        Assert.Contains("refusing to overwrite", e.Message);
        Assert.Throws<InvalidInputException>(() => ShardSet.Build(TestCatalog.Small(), _model, Path.Combine(_root, "x"), 0));
        Assert.Throws<InvalidInputException>(() => ShardSetManifest.Read(dir));
    }

    [Theory]
    [InlineData(SearchMode.Ebr)]
    [InlineData(SearchMode.Hybrid)]
    [InlineData(SearchMode.Lexical)]
    public async Task ShardedFlatSearchEqualsTheSingleIndex(SearchMode mode)
    {
        var products = TestCatalog.Generated(400, seed: 5);
        var single = Path.Combine(_root, "single");
        var sharded = Path.Combine(_root, "sharded");
        var options = new IndexBuildOptions { Kind = VectorIndexKind.Flat };
        CatalogIndex.Build(products, _model, single, options);
        ShardSet.Build(products, _model, sharded, 3, options);
        using var one = CatalogIndex.Open(single);
        var shards = Enumerable.Range(0, 3).Select(s => CatalogIndex.Open(ShardSet.ShardDirectory(sharded, s))).ToList();
        try
        {
            var fanOut = new ShardFanOut(new StaticShardRoutes(shards.Select((s, i) => (IReadOnlyList<IShardReplica>)[new LocalShardReplica($"{i}", s)]).ToList()));
            foreach (var q in Queries(200))
            {
                var v = one.EmbedQuery(_model, q);
                var expected = await one.SearchAsync(q, v, 10, mode);
                var got = await fanOut.SearchAsync(q, v, 10, mode);
                Assert.False(got.Partial);
                // BM25 scored with the whole catalog's statistics (summed over the shards) and equal scores ranked by catalog
                // position: every mode equals one index.
                ClusterAssert.SameRanking(expected, got.Hits);
            }
        }
        finally
        {
            foreach (var s in shards) s.Dispose();
        }
    }

    internal static IEnumerable<string> Queries(int n)
    {
        string[] words = ["red", "blue", "oak", "leather", "vintage", "modern", "small", "large", "black", "white",
                          "sofa", "table", "chair", "lamp", "bike", "phone", "jacket", "desk", "shelf", "bed", "item"];
        var rng = new Random(11);
        for (int i = 0; i < n; i++) yield return string.Join(' ', Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => words[rng.Next(words.Length)]));
    }
}

internal static class ClusterAssert
{
    /// <summary>The same hits in the same order, with the same fused and per-retriever scores and ranks.</summary>
    public static void SameRanking(IReadOnlyList<CatalogHit> expected, IReadOnlyList<CatalogHit> actual)
    {
        static string Row(CatalogHit h) => FormattableString.Invariant($"{h.Rank} {h.Product.ProductId} {h.Score:R} {h.Sources} {h.EbrScore:R}@{h.EbrRank} {h.LexicalScore:R}@{h.LexicalRank}");
        Assert.Equal(expected.Select(Row), actual.Select(Row));
    }
}
