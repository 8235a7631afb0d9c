using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class LexicalIndexTests : IDisposable
{
    private readonly string _dir = VectorData.TempDir();
    private readonly LexicalIndex _index;

    public LexicalIndexTests()
    {
        LexicalIndex.Write(_dir, TestCatalog.Small().Select((p, i) => (i, p)));
        _index = LexicalIndex.Open(_dir);
    }

    public void Dispose()
    {
        _index.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void AnalyzerLowerCasesAndFoldsAccents() =>
        Assert.Equal(["sofa", "canape", "grosse", "ete"], _index.Analyze("Sofá CANAPÉ Größe été"));

    [Fact]
    public void UnaccentedQueryFindsAccentedListings()
    {
        var ids = _index.Search("canape", 5).Select(h => h.ProductId).ToList();
        Assert.Equal(["p3"], ids);
        var sofas = _index.Search("sofa", 5).Select(h => h.ProductId).ToHashSet();
        Assert.Equal(new HashSet<string> { "p1", "p2" }, sofas);
    }

    [Fact]
    public void TitleMatchesOutrankDescriptionOnlyMatchesAndOrdinalsAreKept()
    {
        var dir = Path.Combine(_dir, "second");
        LexicalIndex.Write(dir, new[]
        {
            (5, TestCatalog.P("below", "Brass lamp", "Stands on a table, works well")),
            (6, TestCatalog.P("title", "Table lamp", "Brass, works well")),
            (7, TestCatalog.P("none", "Armchair", "Green velvet")),
        });
        using var index = LexicalIndex.Open(dir);
        var hits = index.Search("table", 5);
        Assert.Equal(["title", "below"], hits.Select(h => h.ProductId));
        Assert.Equal([6, 5], hits.Select(h => h.Ordinal));
        Assert.True(hits[0].Score > hits[1].Score);
    }

    [Fact]
    public void LuceneSyntaxInUserQueriesIsJustText()
    {
        Assert.NotEmpty(_index.Search("oak (table AND \"", 5));
        Assert.Empty(_index.Search("*** ???", 5));
        Assert.Empty(_index.Search("", 5));
        Assert.Empty(_index.Search("zzzunknownword", 5));
    }

    [Fact]
    public void MissingDirectoryIsReported() =>
        Assert.Contains("does not exist", Assert.Throws<InvalidInputException>(() => LexicalIndex.Open(Path.Combine(_dir, "nope"))).Message);
}
