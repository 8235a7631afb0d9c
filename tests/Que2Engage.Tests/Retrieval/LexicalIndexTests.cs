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

    /// <summary>
    /// Indexes written before the id and ordinal became doc values carry them only as stored fields: hits still come
    /// back with the right ordinal and id, also when an upsert adds a segment of the new shape beside the old one.
    /// </summary>
    [Fact]
    public void IndexesWithoutDocValuesStillJoinHitsToOrdinals()
    {
        var dir = Path.Combine(_dir, "old");
        using (var fs = Lucene.Net.Store.FSDirectory.Open(dir))
        using (var writer = new Lucene.Net.Index.IndexWriter(fs, new Lucene.Net.Index.IndexWriterConfig(Lucene.Net.Util.LuceneVersion.LUCENE_48, new MultilingualAnalyzer())))
        {
            foreach (var (ordinal, id, title) in new[] { (4, "lamp", "Table lamp"), (9, "desk", "Oak table desk"), (2, "chair", "Armchair") })
                writer.AddDocument(new Lucene.Net.Documents.Document
                {
                    new Lucene.Net.Documents.StringField(LexicalIndex.IdField, id, Lucene.Net.Documents.Field.Store.YES),
                    new Lucene.Net.Documents.StoredField(LexicalIndex.OrdinalField, ordinal),
                    new Lucene.Net.Documents.TextField(LexicalIndex.TitleField, title, Lucene.Net.Documents.Field.Store.NO),
                });
            writer.Commit();
        }
        using (var old = LexicalIndex.Open(dir))
            Assert.Equal([(4, "lamp"), (9, "desk")], old.Search("table", 5).Select(h => (h.Ordinal, h.ProductId)).OrderBy(h => h.Ordinal));

        using var live = LexicalIndex.OpenWritable(dir);
        live.Upsert(7, CatalogEntry.From(TestCatalog.P("stool", "Bar table stool", "")));
        live.Refresh();
        Assert.Equal([(4, "lamp"), (7, "stool"), (9, "desk")], live.Search("table", 5).Select(h => (h.Ordinal, h.ProductId)).OrderBy(h => h.Ordinal));
    }
}
