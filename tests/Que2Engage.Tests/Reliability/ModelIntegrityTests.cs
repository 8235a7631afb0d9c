using System.Text.Json.Nodes;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Tests.Training;
using Que2Engage.Training;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 items 2 and 3: damaged weights are refused, and an index refuses a model other than its own.</summary>
public sealed class ModelIntegrityTests : IDisposable
{
    private readonly Scratch _s = new();
    private static readonly ToyWorld World = new(trainSessions: 40, evalSessions: 2);

    public void Dispose() => _s.Dispose();

    private string Train(string name, int seed = 1, int steps = 2)
    {
        Trainer.Train(World.Products, World.Train, ToyWorld.TinyOptions() with { Steps = steps, Seed = seed }, _s[name]);
        return _s[name];
    }

    [Fact]
    public void FlippedBytesInWeightsAreRefusedOnLoad()
    {
        string model = Train("m");
        Faults.FlipBytes(Path.Combine(model, ModelStore.WeightsFile), 2000);
        var e = Assert.Throws<InvalidInputException>(() => ModelStore.Load(model));
        Assert.Contains("weights.bin: checksum mismatch", e.Message);
    }

    [Fact]
    public void CorruptWeightsAreOneLineErrorInEvaluateAndSearch()
    {
        string model = Train("m");
        using (var loaded = ModelStore.Load(model))
            CatalogIndex.Build(World.Products, loaded, _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat, ModelPath = model });
        Faults.FlipBytes(Path.Combine(model, ModelStore.WeightsFile), 16);
        Faults.AssertUserError(Faults.Cli("search", "--index", _s["idx"], "-q", "red sofa"), "checksum mismatch");
    }

    [Fact]
    public void ModelWithoutRecordedChecksumLoadsWithAWarning()
    {
        string model = Train("m");
        string config = Path.Combine(model, ModelStore.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        Assert.NotNull(json["weights_checksum"]);
        json.Remove("weights_checksum");
        File.WriteAllText(config, json.ToJsonString());
        var warnings = new List<string>();
        var previous = ModelStore.Warn;
        ModelStore.Warn = warnings.Add;
        try
        {
            using var loaded = ModelStore.Load(model);
            Assert.StartsWith("xxh128:", loaded.Identity);
        }
        finally { ModelStore.Warn = previous; }
        Assert.Contains(warnings, w => w.Contains("no weights checksum"));
    }

    [Fact]
    public void CorruptCheckpointIsRefusedOnResume()
    {
        string model = Train("m");
        string ckpt = CheckpointStore.DirectoryFor(model);
        Faults.FlipBytes(Directory.GetFiles(ckpt, "model-*.bin").Single(), 64);
        var e = Assert.Throws<InvalidInputException>(() =>
            Trainer.Train(World.Products, World.Train, ToyWorld.TinyOptions() with { Steps = 4, Resume = true }, model));
        Assert.Contains("checksum mismatch", e.Message);
    }

    [Fact]
    public void IndexRecordsItsModelAndRefusesAnotherOfTheSameDimension()
    {
        string a = Train("a", seed: 1), b = Train("b", seed: 2);
        using (var model = ModelStore.Load(a))
        {
            var manifest = CatalogIndex.Build(World.Products, model, _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat, ModelPath = a });
            Assert.Equal(model.Identity, manifest.ModelId);
        }
        using var index = CatalogIndex.Open(_s["idx"]);
        using (var same = ModelStore.Load(a)) index.CheckModel(same);
        using (var other = ModelStore.Load(b))
        {
            Assert.Equal(index.Dimension, other.Dimension);
            var e = Assert.Throws<InvalidInputException>(() => index.CheckModel(other));
            Assert.Contains("the index was built with model xxh128:", e.Message);
            Assert.Throws<InvalidInputException>(() => CatalogIndex.Append(_s["idx"], [], other));
        }
    }

    [Fact]
    public void ModelRetrainedInPlaceIsRefusedByItsIndex()
    {
        string a = Train("a");
        using (var model = ModelStore.Load(a))
            CatalogIndex.Build(World.Products, model, _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat, ModelPath = a });
        Directory.Delete(a, recursive: true);
        Train("a", seed: 5);
        // search and serve take the model recorded in the manifest: the same path, now other weights.
        Faults.AssertUserError(Faults.Cli("search", "--index", _s["idx"], "-q", "red sofa"), "the index was built with model");
    }
}
