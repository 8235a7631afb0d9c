using Que2Engage.Modeling;
using Que2Engage.Simulation;
using Que2Engage.Tests.Training;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 item 1: sizes are checked against memory up front, with a one-line error naming the flag.</summary>
public sealed class OversizedInputTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void HugeBatchIsRefusedBeforeTraining()
    {
        var world = new ToyWorld(trainSessions: 20, evalSessions: 1);
        var e = Assert.Throws<InvalidInputException>(() =>
            Trainer.Train(world.Products, world.Train, ToyWorld.TinyOptions().WithOverrides(o => o with { BatchSize = 100_000_000 }), _s["m"]));
        Assert.Contains("ModelConfig.BatchSize 100000000", e.Message);
        Assert.Contains("of memory", e.Message);
        Assert.False(File.Exists(Path.Combine(_s["m"], ModelStore.WeightsFile)));

        string data = OutputSafetyTests.WriteToyData(_s["data"]);
        Faults.AssertUserError(Faults.Cli("train", "--data", data, "--out", _s["cli"], "--batch", "100000000", "--threads", "1"), "--batch 100000000");
    }

    [Theory]
    [InlineData("small", "multitask")]
    [InlineData("small", "mixed")]
    [InlineData("paper", "multitask")]
    public void ThePresetsFitOnThisClassOfMachine(string preset, string objective)
    {
        // The estimate is a lower bound: it must not refuse the sizes the project runs (24 GiB machines, PLATFORM.md).
        double bytes = TrainingMemory.LowerBoundBytes(ModelConfig.Preset(preset), TrainingObjectives.Parse(objective));
        Assert.InRange(bytes, 1e6, 16.0 * (1L << 30));
    }

    [Fact]
    public void HugeCatalogIsRefusedBeforeGenerating()
    {
        var run = Faults.Cli("generate", "--out", _s["w"], "--products", "2147483647");
        Faults.AssertUserError(run, "--products 2147483647");
        Assert.False(Directory.Exists(_s["w"]));
        Assert.Throws<InvalidInputException>(() => new WorldSettings { Sessions = int.MaxValue }.Validate());
    }
}
