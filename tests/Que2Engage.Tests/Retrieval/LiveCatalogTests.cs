using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary>Upserts and deletes on an open index: read-your-writes, tombstones, the write-ahead log, replay and compaction.</summary>
public class LiveCatalogTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    private readonly TrigramEmbedder _model = new(64);
    protected string Idx => Path.Combine(_root, "idx");

    public LiveCatalogTests() : this(new IndexBuildOptions { M = 8, EfConstruction = 40 }) { }

    protected LiveCatalogTests(IndexBuildOptions options) =>
        CatalogIndex.Build(TestCatalog.Small().Concat(TestCatalog.Generated(300, 2)).ToList(), _model, Idx, options);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    protected Task<bool> Upsert(CatalogIndex index, Product p) => index.UpsertAsync(CatalogEntry.From(p), index.EmbedProduct(_model, p));

    protected List<string> Ids(CatalogIndex index, string query, SearchMode mode = SearchMode.Hybrid, SearchFilter? filter = null, int k = 10) =>
        index.Search(query, mode == SearchMode.Lexical ? null : index.EmbedQuery(_model, query), k, mode, filter: filter)
            .Select(h => h.Product.ProductId).ToList();

    [Fact]
    public async Task AnUpsertedListingIsFoundByItsTitleAtOnceInEveryMode()
    {
        using var index = CatalogIndex.OpenWritable(Idx);
        Assert.False(await Upsert(index, TestCatalog.P("new1", "Turquoise velvet armchair", category: "furniture")));
        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Ebr, SearchMode.Lexical })
            Assert.Equal("new1", Ids(index, "turquoise velvet armchair", mode)[0]);
        Assert.Equal(311, index.Count);
        Assert.Equal("Turquoise velvet armchair", index.FindProduct("new1")!.Title);
    }

    [Fact]
    public async Task ADamagedWriteLogStopsEveryOpenTruncatesNothingAndIsRepairedByTheCli()
    {
        using (var index = CatalogIndex.OpenWritable(Idx))
            for (int i = 0; i < 40; i++)
                await Upsert(index, TestCatalog.P($"new{i}", $"Listing number {i} in teal", category: "furniture"));
        var wal = Path.Combine(Idx, IndexManifest.WriteLogFile);
        var bytes = File.ReadAllBytes(wal);
        bytes[bytes.Length / 2] ^= 0x08;
        File.WriteAllBytes(wal, bytes);

        Assert.Throws<WriteLogDamageException>(() => CatalogIndex.Open(Idx));
        Assert.Throws<WriteLogDamageException>(() => CatalogIndex.OpenWritable(Idx));
        Assert.Equal(bytes, File.ReadAllBytes(wal));
        var search = Que2Engage.Tests.Reliability.Faults.Cli("search", "--index", Idx, "--query", "teal", "--mode", "lexical");
        Que2Engage.Tests.Reliability.Faults.AssertUserError(search, "damaged write-ahead log at byte");
        Assert.Equal(bytes, File.ReadAllBytes(wal));

        var (code, output, _) = Que2Engage.Tests.Reliability.Faults.Cli("index", "--repair", "--out", Idx);
        Assert.Equal(0, code);
        Assert.Contains("repaired: kept 39 records, dropped 1 damaged region(s)", output);
        Assert.Single(Directory.GetFiles(Idx, IndexManifest.WriteLogFile + ".damaged-*"));
        using var reopened = CatalogIndex.Open(Idx);
        Assert.Equal(310 + 39, reopened.Count);
    }

    [Fact]
    public void AnEditedManifestOrProductStoreIsRefusedNamingTheFile()
    {
        var manifest = Path.Combine(Idx, IndexManifest.FileName);
        var products = Path.Combine(Idx, IndexManifest.ProductsFile);
        var manifestText = File.ReadAllText(manifest);
        var productLines = File.ReadAllLines(products);

        File.WriteAllText(manifest, manifestText.Replace("\"wal_seq\": 0", "\"wal_seq\": 99999"));
        Assert.Contains($"{manifest}: damaged", Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(Idx)).Message);
        File.WriteAllText(manifest, manifestText);

        (productLines[0], productLines[1]) = (productLines[1], productLines[0]);
        File.WriteAllLines(products, productLines);
        Assert.Contains($"{products}: damaged", Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(Idx)).Message);
        (productLines[0], productLines[1]) = (productLines[1], productLines[0]);
        File.WriteAllLines(products, productLines);
        using var index = CatalogIndex.Open(Idx);
        Assert.Equal(310, index.Count);
    }

    [Fact]
    public async Task ADeletedListingNeverAppearsAgainAlsoAfterReopening()
    {
        using (var index = CatalogIndex.OpenWritable(Idx))
        {
            Assert.Equal("p1", Ids(index, "red leather sofa")[0]);
            Assert.True(await index.DeleteAsync("p1"));
            Assert.False(await index.DeleteAsync("p1"));
            foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Ebr, SearchMode.Lexical })
                Assert.DoesNotContain("p1", Ids(index, "red leather sofa", mode, k: 400));
            Assert.Null(index.FindProduct("p1"));
            Assert.Equal(1, index.Tombstones);
        }
        using (var reopened = CatalogIndex.Open(Idx))
        {
            Assert.DoesNotContain("p1", Ids(reopened, "red leather sofa", k: 400));
            Assert.Equal(309, reopened.Count);
        }
    }

    [Fact]
    public async Task APriceChangeMovesAListingInAndOutOfAPriceFilter()
    {
        using var index = CatalogIndex.OpenWritable(Idx);
        var under50 = new SearchFilter { MaxPrice = 50 };
        var sofa = TestCatalog.Small()[0]; // p1, price 100
        Assert.DoesNotContain("p1", Ids(index, "red leather sofa", filter: under50));
        Assert.True(await Upsert(index, sofa with { Price = 30 }));
        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Ebr, SearchMode.Lexical })
            Assert.Equal("p1", Ids(index, "red leather sofa", mode, under50)[0]);
        Assert.Equal(30, index.FindProduct("p1")!.Price);
        Assert.True(await Upsert(index, sofa with { Price = 80 }));
        foreach (var mode in new[] { SearchMode.Hybrid, SearchMode.Ebr, SearchMode.Lexical })
            Assert.DoesNotContain("p1", Ids(index, "red leather sofa", mode, under50, k: 400));
        // Replaced versions never show up next to the current one.
        Assert.Single(Ids(index, "red leather sofa", k: 400), id => id == "p1");
    }

    [Fact]
    public async Task CompactionFoldsTheLogIntoANewGenerationWithoutTombstones()
    {
        var options = new CatalogWriteOptions { CompactMinTombstones = 20, CompactTombstoneFraction = 0.05 };
        using (var index = CatalogIndex.OpenWritable(Idx, options))
        {
            for (int i = 0; i < 30; i++) Assert.True(await index.DeleteAsync($"g{i}"));
            await Upsert(index, TestCatalog.P("late", "Copper floor lamp"));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (index.Compactions == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(index.Compactions >= 1, index.LastCompactionError ?? "no compaction");
            await index.CheckpointAsync();
            Assert.Equal(0, index.Tombstones);
            Assert.Equal(281, index.Count);
            Assert.Equal("late", Ids(index, "copper floor lamp")[0]);
            Assert.DoesNotContain("g3", Ids(index, "item number 3", SearchMode.Lexical, k: 400));
        }
        var manifest = IndexManifest.Read(Idx);
        Assert.Equal(281, manifest.Products);
        Assert.Equal(31, manifest.WalSeq);
        Assert.Empty(CatalogWriteLog.ReadAll(Path.Combine(Idx, IndexManifest.WriteLogFile)).Records);
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
        using var reopened = CatalogIndex.Open(Idx);
        Assert.Equal(281, reopened.Count);
        Assert.Equal("late", Ids(reopened, "copper floor lamp")[0]);
    }

    [Fact]
    public async Task ATornLogTailIsDroppedAndTheIndexStillOpens()
    {
        using (var index = CatalogIndex.OpenWritable(Idx))
            await Upsert(index, TestCatalog.P("kept", "Walnut coffee table"));
        var wal = Path.Combine(Idx, IndexManifest.WriteLogFile);
        long intact = new FileInfo(wal).Length;
        using (var f = new FileStream(wal, FileMode.Append)) f.Write([40, 0, 0, 0, 1, 2, 3]); // a half-written record
        using (var reader = CatalogIndex.Open(Idx)) Assert.Equal("kept", Ids(reader, "walnut coffee table")[0]);
        using (var writer = CatalogIndex.OpenWritable(Idx))
        {
            Assert.Equal(intact, new FileInfo(wal).Length);
            await Upsert(writer, TestCatalog.P("after", "Brass wall mirror"));
        }
        using var final = CatalogIndex.Open(Idx);
        Assert.NotNull(final.FindProduct("kept"));
        Assert.NotNull(final.FindProduct("after"));
    }

    [Fact]
    public void OneWriterAtATimeAndReadOnlyIndexesRefuseWrites()
    {
        using var writer = CatalogIndex.OpenWritable(Idx);
        Assert.Contains("another process", Assert.Throws<InvalidInputException>(() => CatalogIndex.OpenWritable(Idx)).Message);
        Assert.Throws<InvalidInputException>(() => CatalogIndex.Build(TestCatalog.Small(), _model, Idx));
        Assert.Throws<InvalidInputException>(() => CatalogIndex.Append(Idx, [TestCatalog.P("a1", "Lamp")], _model));
        using var reader = CatalogIndex.Open(Idx);
        Assert.Throws<InvalidInputException>(() => { _ = reader.DeleteAsync("p1"); });
    }

    [Fact]
    public void AnInterruptedGenerationSwapIsRecoveredOnOpen()
    {
        var parent = Path.GetDirectoryName(Idx)!;
        Directory.Move(Idx, Path.Combine(parent, ".idx.checkpoint-0123"));   // crash between the two renames
        using var index = CatalogIndex.Open(Idx);
        Assert.Equal(310, index.Count);
    }
}
