using System.Buffers.Binary;
using System.Text.Json;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class VectorIndexKindTests : IDisposable
{
    private readonly string _dir = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EveryRegisteredKindHasOneNameAndCodeAndRoundTripsThroughAFile()
    {
        Assert.Equal(["flat", "hnsw"], VectorIndexKind.All.Select(k => k.Name));
        Assert.Equal(VectorIndexKind.All.Count, VectorIndexKind.All.Select(k => k.Code).Distinct().Count());
        var data = VectorData.Random(30, 6, 8);
        foreach (var kind in VectorIndexKind.All)
        {
            Assert.Same(kind, VectorIndexKind.Parse($" {kind.Name.ToUpperInvariant()} "));
            var index = kind.Create(6, new IndexBuildOptions { M = 4, EfConstruction = 10 }, 4);
            Assert.Same(kind, index.Kind);
            index.AddRange(data);
            var path = Path.Combine(_dir, kind.Name + ".q2v");
            index.Save(path);
            Assert.Same(kind, VectorIndexFile.PeekKind(path));
            var loaded = VectorIndexFile.Load(path);
            Assert.Same(kind, loaded.Kind);
            Assert.Equal(index.Search(data[3], 4), loaded.Search(data[3], 4));
        }
    }

    [Fact]
    public void UnknownNamesAndCodesAreUserErrorsThatListTheKnownOnes()
    {
        Assert.Equal("Unknown index kind 'annoy' (expected flat or hnsw).",
            Assert.Throws<InvalidInputException>(() => VectorIndexKind.Parse("annoy")).Message);

        var path = Path.Combine(_dir, "f.q2v");
        var flat = new FlatIndex(4);
        flat.Add([1f, 0f, 0f, 0f]);
        flat.Save(path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 7);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("unknown vector index kind code 7 in the header (expected 1 = flat or 2 = hnsw)",
            Assert.Throws<InvalidInputException>(() => VectorIndexFile.Load(path)).Message);
    }

    [Fact]
    public void KindsAreJsonStringsInManifests()
    {
        var manifest = new IndexManifest { VectorKind = VectorIndexKind.Hnsw };
        string json = JsonSerializer.Serialize(manifest);
        Assert.Contains("\"vector_kind\":\"hnsw\"", json);
        Assert.Same(VectorIndexKind.Hnsw, JsonSerializer.Deserialize<IndexManifest>(json)!.VectorKind);
        Assert.Same(VectorIndexKind.Flat, JsonSerializer.Deserialize<IndexManifest>("{}")!.VectorKind);

        manifest.Write(_dir);
        File.WriteAllText(Path.Combine(_dir, IndexManifest.FileName), json.Replace("\"hnsw\"", "\"annoy\""));
        var e = Assert.Throws<InvalidInputException>(() => IndexManifest.Read(_dir));
        Assert.Contains("unreadable manifest", e.Message);
        Assert.Contains("Unknown index kind 'annoy' (expected flat or hnsw)", e.Message);
    }
}
