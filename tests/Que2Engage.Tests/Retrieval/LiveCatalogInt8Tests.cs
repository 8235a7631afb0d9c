using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary>Every live-catalog test (upserts, deletes, replay, compaction) again on an int8-quantised HNSW index.</summary>
public class LiveCatalogInt8Tests : LiveCatalogTests
{
    public LiveCatalogInt8Tests() : base(new IndexBuildOptions { M = 8, EfConstruction = 40, Quantization = VectorQuantization.Int8 }) { }

    [Fact]
    public async Task TheIndexStaysInt8ThroughWritesAndACheckpoint()
    {
        Assert.Equal("int8", IndexManifest.Read(Idx).Quantization);
        using (var index = CatalogIndex.OpenWritable(Idx))
        {
            Assert.True(index.Vectors is HnswIndex { Quantization: VectorQuantization.Int8, IsQuantized: true });
            await Upsert(index, TestCatalog.P("q1", "Emerald glass vase", category: "furniture"));
            Assert.Equal("q1", Ids(index, "emerald glass vase", SearchMode.Ebr)[0]);
            await index.CheckpointAsync();
        }
        using var reopened = CatalogIndex.Open(Idx);
        Assert.True(reopened.Vectors is HnswIndex { Quantization: VectorQuantization.Int8, IsQuantized: true });
        Assert.Equal("q1", Ids(reopened, "emerald glass vase", SearchMode.Ebr)[0]);
        Assert.Equal("int8", IndexManifest.Read(Idx).Quantization);
    }
}
