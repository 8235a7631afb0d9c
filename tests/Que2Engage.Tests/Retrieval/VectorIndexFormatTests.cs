using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary>
/// Index files of every format version still load (Fixtures/README.md says how each was made) and answer exactly as
/// an index built now from the same vectors; today's writer still writes format 2 byte for byte.
/// </summary>
public class VectorIndexFormatTests : IDisposable
{
    private readonly string _dir = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Retrieval", "Fixtures", name);

    private static IVectorIndex BuiltNow(string kind, VectorQuantization quantization)
    {
        var data = VectorData.Random(40, 8, 2026);
        IVectorIndex index = kind == "flat"
            ? new FlatIndex(8)
            : new HnswIndex(8, new HnswOptions { M = 4, EfConstruction = 20, DefaultEf = 10, Seed = 7, Quantization = quantization });
        index.AddRange(data);
        return index;
    }

    [Theory]
    [InlineData("v1-flat.q2v", "flat", VectorQuantization.None)]
    [InlineData("v1-hnsw.q2v", "hnsw", VectorQuantization.None)]
    [InlineData("v2-flat.q2v", "flat", VectorQuantization.None)]
    [InlineData("v2-hnsw.q2v", "hnsw", VectorQuantization.None)]
    [InlineData("v2-hnsw-int8.q2v", "hnsw", VectorQuantization.Int8)]
    public void OldFilesLoadAndSearchLikeAFreshBuild(string file, string kind, VectorQuantization quantization)
    {
        foreach (bool memoryMap in new[] { false, true })
        {
            var loaded = VectorIndexFile.Load(Fixture(file), memoryMap);
            var fresh = BuiltNow(kind, quantization);
            Assert.Equal(kind, loaded.Kind.ToString());
            Assert.Equal(kind, VectorIndexFile.PeekKind(Fixture(file)).ToString());
            Assert.Equal(40, loaded.Count);
            Assert.Equal(8, loaded.Dimension);
            if (loaded is HnswIndex hnsw) Assert.Equal(quantization, hnsw.Quantization);
            foreach (var q in VectorData.Random(10, 8, 5))
                Assert.Equal(fresh.Search(q, 5), loaded.Search(q, 5));
            Assert.Equal(fresh.GetVector(39).ToArray(), loaded.GetVector(39).ToArray());
        }
    }

    [Theory]
    [InlineData("v2-flat.q2v", "flat", VectorQuantization.None)]
    [InlineData("v2-hnsw.q2v", "hnsw", VectorQuantization.None)]
    [InlineData("v2-hnsw-int8.q2v", "hnsw", VectorQuantization.Int8)]
    public void TheWriterStillWritesFormat2ByteForByte(string file, string kind, VectorQuantization quantization)
    {
        var path = Path.Combine(_dir, file);
        BuiltNow(kind, quantization).Save(path);
        Assert.Equal(File.ReadAllBytes(Fixture(file)), File.ReadAllBytes(path));
    }

    [Fact]
    public void AFormat1FileSavedAgainIsFormat2()
    {
        var path = Path.Combine(_dir, "h.q2v");
        VectorIndexFile.Load(Fixture("v1-hnsw.q2v")).Save(path);
        Assert.Equal(File.ReadAllBytes(Fixture("v2-hnsw.q2v")), File.ReadAllBytes(path));
    }
}
