using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class VectorIndexFileTests : IDisposable
{
    private readonly string _dir = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IVectorIndex Make(string kind, float[][] data)
    {
        IVectorIndex index = kind == "flat" ? new FlatIndex(data[0].Length) : new HnswIndex(data[0].Length, new HnswOptions { M = 8, EfConstruction = 40, DefaultEf = 20 });
        index.AddRange(data);
        return index;
    }

    [Theory]
    [InlineData("flat")]
    [InlineData("hnsw")]
    public void SaveLoadRoundTripGivesIdenticalResults(string kind)
    {
        var data = VectorData.Random(1500, 16, 61);
        var index = Make(kind, data);
        var path = Path.Combine(_dir, "v.idx");
        index.Save(path);
        var loaded = VectorIndexFile.Load(path);
        Assert.Equal(kind, loaded.Kind.Name);
        Assert.Equal(index.Count, loaded.Count);
        Assert.Equal(index.Dimension, loaded.Dimension);
        foreach (var q in VectorData.Random(30, 16, 62))
            Assert.Equal(index.Search(q, 10), loaded.Search(q, 10));
        Assert.Equal(index.GetVector(77).ToArray(), loaded.GetVector(77).ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*", SearchOption.AllDirectories).Concat(Directory.GetFiles(_dir, ".*")));
    }

    [Fact]
    public void AppendAfterLoadBuildsTheSameGraphAsOneUninterruptedBuild()
    {
        var data = VectorData.Random(600, 16, 63);
        var options = new HnswOptions { M = 8, EfConstruction = 40, Seed = 5 };
        var whole = new HnswIndex(16, options);
        whole.AddRange(data);
        var first = new HnswIndex(16, options);
        first.AddRange(data.Take(400));
        var path = Path.Combine(_dir, "h.idx");
        first.Save(path);
        var resumed = HnswIndex.Load(path);
        resumed.AddRange(data.Skip(400));
        for (int i = 0; i < data.Length; i++)
            Assert.Equal(whole.NeighboursOf(i, 0), resumed.NeighboursOf(i, 0));
    }

    [Fact]
    public void EmptyIndexesRoundTrip()
    {
        var path = Path.Combine(_dir, "e.idx");
        new HnswIndex(4).Save(path);
        Assert.Equal(0, VectorIndexFile.Load(path).Count);
        new FlatIndex(4).Save(path);
        Assert.Equal(0, VectorIndexFile.Load(path).Count);
    }

    private string SavedHnsw()
    {
        var path = Path.Combine(_dir, "c.idx");
        Make("hnsw", VectorData.Random(300, 8, 64)).Save(path);
        return path;
    }

    [Theory]
    [InlineData(40)]      // the first vector
    [InlineData(-100)]    // graph links near the end
    [InlineData(-2)]      // the checksum itself
    public void AFlippedByteIsReportedAsCorrupt(int offset)
    {
        var path = SavedHnsw();
        var bytes = File.ReadAllBytes(path);
        bytes[offset >= 0 ? offset : bytes.Length + offset] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("checksum mismatch", e.Message);
    }

    [Fact]
    public void ATruncatedFileIsReported()
    {
        var path = SavedHnsw();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 37)]);
        var e = Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ForeignMissingAndNewerFilesAreReported()
    {
        var foreign = Path.Combine(_dir, "f.idx");
        File.WriteAllText(foreign, "product_id,title\n1,sofa\n2,table\n3,chair\n");
        Assert.Contains("not a Que2Engage vector index", Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(foreign)).Message);

        Assert.Contains("does not exist", Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(Path.Combine(_dir, "nope.idx"))).Message);

        var path = SavedHnsw();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9; // format version
        File.WriteAllBytes(path, bytes);
        Assert.Contains("format version 9", Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(path)).Message);
    }

    [Fact]
    public void LoadingTheWrongKindIsReported()
    {
        var path = SavedHnsw();
        Assert.Contains("not a flat one", Assert.Throws<InvalidInputException>(() => FlatIndex.Load(path)).Message);
    }
}
