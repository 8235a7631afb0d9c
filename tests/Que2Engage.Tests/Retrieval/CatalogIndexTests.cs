using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class CatalogIndexTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);
    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw")]
    public void BuildOpenAndSearchInEveryMode(string kindName)
    {
        var kind = VectorIndexKind.Parse(kindName);
        var products = TestCatalog.Small();
        var progress = new List<IndexBuildProgress>();
        var manifest = CatalogIndex.Build(products, _model, Dir("idx"), new IndexBuildOptions { Kind = kind, BatchSize = 4, ModelPath = "some/model" }, progress.Add);
        Assert.Equal([4, 8, 10], progress.Where(p => p.Phase == IndexBuildPhase.Embedding).Select(p => p.Done));
        Assert.Equal(10, progress[^1].Done);
        Assert.Equal(IndexBuildPhase.Indexing, progress[^1].Phase);
        Assert.Equal(3, _model.ProductCalls);
        Assert.Equal(10, manifest.Products);
        Assert.Equal(Path.GetFullPath("some/model"), manifest.ModelPath);
        Assert.Empty(Directory.GetDirectories(_root, ".*"));

        using var index = CatalogIndex.Open(Dir("idx"));
        Assert.Equal(10, index.Count);
        Assert.Equal(kind, index.Vectors.Kind);
        Assert.Equal(kind, IndexManifest.Read(Dir("idx")).VectorKind);
        Assert.Contains($"\"vector_kind\": \"{kindName}\"", File.ReadAllText(Path.Combine(Dir("idx"), IndexManifest.FileName)));
        var q = index.EmbedQuery(_model, "red leather sofa");

        var hybrid = index.Search("red leather sofa", q, 5);
        Assert.Equal("p1", hybrid[0].Product.ProductId);
        Assert.Equal(HitSources.Ebr | HitSources.Lexical, hybrid[0].Sources);
        Assert.Equal(1, hybrid[0].Rank);
        Assert.Equal(1, hybrid[0].EbrRank);
        Assert.Equal(5, hybrid.Count);

        var ebr = index.Search("red leather sofa", q, 3, SearchMode.Ebr);
        Assert.All(ebr, h => Assert.Equal(HitSources.Ebr, h.Sources));
        Assert.Equal("p1", ebr[0].Product.ProductId);
        Assert.InRange(ebr[0].Score, ebr[1].Score, 1.0001);
        Assert.Equal(ebr[0].Score, ebr[0].EbrScore!.Value, 5);

        var lexical = index.Search("sofa", null, 5, SearchMode.Lexical);
        Assert.Equal(new HashSet<string> { "p1", "p2" }, lexical.Select(h => h.Product.ProductId).ToHashSet());
        Assert.Equal("Sofá de cuero rojo", index.FindProduct("p2")!.Title);
        Assert.Equal("good", index.FindProduct("p2")!.Condition);
    }

    [Fact]
    public void EmbeddingModesNeedAVectorAndTheRightModel()
    {
        CatalogIndex.Build(TestCatalog.Small(), _model, Dir("idx"), new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        using var index = CatalogIndex.Open(Dir("idx"));
        Assert.Throws<InvalidInputException>(() => index.Search("sofa", null, 5, SearchMode.Hybrid));
        Assert.Contains("32-dimensional", Assert.Throws<InvalidInputException>(() => index.EmbedQuery(new TrigramEmbedder(32), "sofa")).Message);
        Assert.Throws<InvalidInputException>(() => index.Search("sofa", new float[32], 5, SearchMode.Ebr));
    }

    [Fact]
    public void AppendAddsNewOrdinalsAndRejectsDuplicates()
    {
        var first = TestCatalog.Generated(300, 1);
        var options = new IndexBuildOptions { Kind = VectorIndexKind.Hnsw, M = 8, EfConstruction = 40 };
        CatalogIndex.Build(first, _model, Dir("idx"), options);
        var more = TestCatalog.Generated(50, 2, prefix: "new");
        var manifest = CatalogIndex.Append(Dir("idx"), more, _model, options);
        Assert.Equal(350, manifest.Products);

        using (var index = CatalogIndex.Open(Dir("idx")))
        {
            Assert.Equal(350, index.Count);
            Assert.Equal("new7", index.Products[307].ProductId);
            var title = more[7].Title;
            var hits = index.Search(title, index.EmbedQuery(_model, title), 3, SearchMode.Ebr, ef: 100);
            Assert.Equal("new7", hits[0].Product.ProductId);
            var lexical = index.Search(title, null, 3, SearchMode.Lexical);
            Assert.Equal("new7", lexical[0].Product.ProductId);
        }

        var e = Assert.Throws<InvalidInputException>(() => CatalogIndex.Append(Dir("idx"), [TestCatalog.P("g5", "dup")], _model));
        Assert.Contains("'g5' is already in the index", e.Message);
        using var unchanged = CatalogIndex.Open(Dir("idx"));
        Assert.Equal(350, unchanged.Count);
    }

    [Fact]
    public void RebuildReplacesAnIndexButNeverAForeignDirectory()
    {
        CatalogIndex.Build(TestCatalog.Small(), _model, Dir("idx"), new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        CatalogIndex.Build(TestCatalog.Small().Take(4).ToList(), _model, Dir("idx"), new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        using (var index = CatalogIndex.Open(Dir("idx"))) Assert.Equal(4, index.Count);

        Directory.CreateDirectory(Dir("mine"));
        File.WriteAllText(Path.Combine(Dir("mine"), "thesis.tex"), "precious");
        Assert.Contains("refusing to overwrite", Assert.Throws<InvalidInputException>(() =>
            CatalogIndex.Build(TestCatalog.Small(), _model, Dir("mine"))).Message);
        Assert.True(File.Exists(Path.Combine(Dir("mine"), "thesis.tex")));

        Assert.Contains("appears twice", Assert.Throws<InvalidInputException>(() =>
            CatalogIndex.Build([TestCatalog.P("a", "x"), TestCatalog.P("a", "y")], _model, Dir("dup"))).Message);
    }

    [Fact]
    public void MissingInconsistentOrCorruptIndexesAreReported()
    {
        Assert.Contains("does not exist", Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(Dir("none"))).Message);
        CatalogIndex.Build(TestCatalog.Small(), _model, Dir("idx"), new IndexBuildOptions { Kind = VectorIndexKind.Hnsw });

        var store = Path.Combine(Dir("idx"), IndexManifest.ProductsFile);
        var lines = File.ReadAllLines(store);
        File.WriteAllLines(store, lines.Take(9));
        Assert.Contains($"{store}: damaged", Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(Dir("idx"))).Message);
        File.WriteAllLines(store, lines);

        var vectors = Path.Combine(Dir("idx"), IndexManifest.VectorsFile);
        var bytes = File.ReadAllBytes(vectors);
        bytes[100] ^= 1;
        File.WriteAllBytes(vectors, bytes);
        Assert.Contains("checksum mismatch", Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(Dir("idx"))).Message);
    }

    [Fact]
    public void ConcurrentHybridSearchesAgreeWithSequentialOnes()
    {
        CatalogIndex.Build(TestCatalog.Generated(400, 3), _model, Dir("idx"), new IndexBuildOptions { M = 8, EfConstruction = 40 });
        using var index = CatalogIndex.Open(Dir("idx"));
        var queries = Enumerable.Range(0, 40).Select(i => $"vintage table {i}").ToArray();
        var vectors = queries.Select(q => index.EmbedQuery(_model, q)).ToArray();
        var expected = queries.Select((q, i) => index.Search(q, vectors[i], 10).Select(h => h.Product.ProductId).ToList()).ToArray();
        var actual = new List<string>[queries.Length];
        Parallel.For(0, queries.Length, i =>
            actual[i] = index.SearchAsync(queries[i], vectors[i], 10).GetAwaiter().GetResult().Select(h => h.Product.ProductId).ToList());
        for (int i = 0; i < queries.Length; i++) Assert.Equal(expected[i], actual[i]);
    }
}
