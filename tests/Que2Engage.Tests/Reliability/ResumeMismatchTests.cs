using System.Text.Json.Nodes;
using Que2Engage.Tests.Training;
using Que2Engage.Training;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 item 9: --resume refuses changed settings, naming them, and says when there is nothing to resume.</summary>
public sealed class ResumeMismatchTests : IDisposable
{
    private readonly Scratch _s = new();
    private static readonly ToyWorld World = new(trainSessions: 40, evalSessions: 2);

    public void Dispose() => _s.Dispose();

    private static TrainingOptions Options => ToyWorld.TinyOptions() with { Steps = 2, CheckpointEvery = 1 };

    private void Train(TrainingOptions options) => Trainer.Train(World.Products, World.Train, options, _s["m"]);

    [Fact]
    public void ChangedBatchAndSeedAreRefusedByName()
    {
        Train(Options);
        var e = Assert.Throws<InvalidInputException>(() => Train(Options.WithOverrides(o => o with { BatchSize = 16 }) with { Steps = 4, Resume = true, Seed = 2 }));
        Assert.Contains("--batch 16 (checkpoint: 32)", e.Message);
        Assert.Contains("--seed 2 (checkpoint: 1)", e.Message);
        Assert.DoesNotContain("--lr", e.Message);

        e = Assert.Throws<InvalidInputException>(() => Train(Options with { Steps = 4, Resume = true, Lambda1 = 0.5, CentredRelevance = true }));
        Assert.Contains("--lambda1 0.5 (checkpoint: 0.8)", e.Message);
        Assert.Contains("--plain-relevance-softmax no (checkpoint: yes)", e.Message);

        // Longer runs, other thread counts and checkpoint intervals resume.
        var result = Trainer.Train(World.Products, World.Train, Options with { Steps = 4, Resume = true, Threads = 2, CheckpointEvery = 3 }, _s["m"]);
        Assert.Equal(4, result.Steps);
    }

    [Fact]
    public void CheckpointWithoutRecordedSettingsIsCheckedOnWhatItRecords()
    {
        Train(Options);
        string state = Path.Combine(CheckpointStore.DirectoryFor(_s["m"]), CheckpointStore.StateFile);
        var json = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        Assert.NotNull(json["settings"]);
        json.Remove("settings");
        File.WriteAllText(state, json.ToJsonString());
        var e = Assert.Throws<InvalidInputException>(() => Train(Options with { Steps = 3, Resume = true, Seed = 4 }));
        Assert.Contains("--seed 4 (checkpoint: 1)", e.Message);
        Assert.Equal(3, Trainer.Train(World.Products, World.Train, Options with { Steps = 3, Resume = true }, _s["m"]).Steps);
    }

    [Fact]
    public void CliSaysWhenThereIsNoCheckpoint()
    {
        string data = OutputSafetyTests.WriteToyData(_s["data"]);
        var run = Faults.Cli(["train", "--data", data, "--out", _s["model"], .. OutputSafetyTests.TinyTrainFlags, "--resume"]);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("no checkpoint: starting fresh", run.Out);

        var changed = Faults.Cli(["train", "--data", data, "--out", _s["model"], .. OutputSafetyTests.TinyTrainFlags, "--resume", "--seed", "3"]);
        Faults.AssertUserError(changed, "--seed 3 (checkpoint: 1)");
    }
}
