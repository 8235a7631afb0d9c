using System.Text.Json;
using Que2Engage.Cli;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

/// <summary>
/// Issue 25: a config.json and a checkpoint state.json written by the code before the knob table (Fixtures/v1-model:
/// <c>train --steps 2 --d-model 16 --heads 2 --ffn 16 --dim 16 --batch 8 --query-layers 1 --fusion-layers 1</c>, the
/// recommended recipe), and train's and bench train's --help as they were, so that how settings are declared can
/// change without changing what is stored or shown.
/// </summary>
public sealed class SettingsFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Training", "Fixtures", "v1-model", name);

    /// <summary>The options the fixture's run was trained with (train's flags above, through the recommended recipe).</summary>
    private static TrainingOptions FixtureOptions() => TrainingRecipes.Apply(TrainingRecipe.Recommended, new TrainingOptions
    {
        Model = ModelKind.Que2Engage,
        Objective = TrainingObjectives.Multitask,
        Steps = 2,
        Overrides = new() { DModel = 16, Heads = 2, Ffn = 16, Dim = 16, BatchSize = 8, QueryLayers = 1, FusionLayers = 1 },
    });

    [Fact]
    public void AnOldConfigJsonLoadsWithItsTrainingSection()
    {
        var manifest = ModelStore.ReadManifest(Fixture("config.json"));
        Assert.Equal(ModelKind.Que2Search, manifest.Config.Kind);
        Assert.Equal((16, 2, 16, 8), (manifest.Config.DModel, manifest.Config.Heads, manifest.Config.Dim, manifest.Config.BatchSize));
        Assert.True(manifest.Config.EngagementPrior);
        Assert.Equal(FixtureOptions().Loss, LossSettings.Of(manifest));
        Assert.Equal(FixtureOptions().BuildModelConfig(manifest.Config.ImageDim), manifest.Config);
    }

    [Fact]
    public void TheTrainingSectionIsWrittenAsBefore()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Fixture("config.json")));
        string before = JsonSerializer.Serialize(manifest.RootElement.GetProperty("training"), ModelStore.Json);
        Assert.Equal(before, JsonSerializer.Serialize(FixtureOptions().Loss.ToJson(), ModelStore.Json));
    }

    [Fact]
    public void AnOldCheckpointResumesWithTheSameSettings()
    {
        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Fixture("checkpoint-state.json")), ModelStore.Json)!;
        Assert.Equal(state.Settings, ResumeSettings.Of(FixtureOptions()));
        ResumeSettings.Check(state, FixtureOptions(), "m");
        var e = Assert.Throws<InvalidInputException>(() => ResumeSettings.Check(state, FixtureOptions() with { Lambda1 = 0.5 }, "m"));
        Assert.Contains("--lambda1 0.5 (checkpoint: 0.8)", e.Message);
    }

    [Theory]
    [InlineData("train-help.txt", "train")]
    [InlineData("bench-train-help.txt", "bench", "train")]
    public void HelpIsAsBefore(string fixture, params string[] verb)
    {
        var stdout = new StringWriter();
        Assert.Equal(0, Program.Run([.. verb, "--help"], stdout, new StringWriter()));
        string text = stdout.ToString().Replace("\r\n", "\n");
        string options = text[text.IndexOf("Options:", StringComparison.Ordinal)..];
        Assert.Equal(File.ReadAllText(Fixture(fixture)).Replace("\r\n", "\n"), options);
    }
}
