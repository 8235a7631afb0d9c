using System.Text.Json;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training.Objectives;

public sealed class TrainingObjectivesTests
{
    [Fact]
    public void EveryObjectiveClassIsRegisteredOnceUnderItsOwnName()
    {
        var classes = typeof(ITrainingObjective).Assembly.GetTypes()
            .Where(t => typeof(ITrainingObjective).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToHashSet();
        Assert.Equal(classes, TrainingObjectives.All.Select(o => o.GetType()).ToHashSet());
        Assert.Equal(TrainingObjectives.All.Count, TrainingObjectives.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(new[] { "contrastive", "mixed", "multitask" }, TrainingObjectives.Names);
    }

    [Fact]
    public void NamesRoundTripThroughTheCliResumeSettingsCheckpointsAndConfigJson()
    {
        foreach (var objective in TrainingObjectives.All)
        {
            Assert.Same(objective, TrainingObjectives.Parse(objective.Name));
            Assert.Same(objective, TrainingObjectives.Parse(" " + objective.Name.ToUpperInvariant()));
            foreach (var verb in new[] { new[] { "train", "--data", "d", "--out", "o" }, ["bench", "train"] })
                Assert.Same(objective, Que2Engage.Cli.Program.BuildRoot().Parse([.. verb, "--objective", objective.Name.ToUpperInvariant()])
                    .GetValue<ITrainingObjective?>("--objective"));
            Assert.Equal(objective.Name, ResumeSettings.Of(new TrainingOptions { Objective = objective })["--objective"]);

            var loss = new LossSettings(objective, 0.8, 0.2, false, RelevancePositives.Shown, null, 1.0);
            string json = loss.ToJson().GetRawText();
            Assert.Contains($"\"objective\": \"{objective.Name}\"", json);
            var manifest = new ModelStore.ModelManifest(ModelStore.FormatVersion, new ModelConfig(), ContextStatistics.FromCatalogue([]), Training: loss.ToJson());
            var back = JsonSerializer.Deserialize<ModelStore.ModelManifest>(JsonSerializer.Serialize(manifest, ModelStore.Json), ModelStore.Json)!;
            Assert.Equal(loss, LossSettings.Of(back));

            var state = new CheckpointState
            {
                Objective = objective, Config = new ModelConfig(), ContextStatistics = ContextStatistics.FromCatalogue([]),
                WeightsFile = "w", OptimizerFile = "o",
            };
            var restored = JsonSerializer.Deserialize<CheckpointState>(JsonSerializer.Serialize(state, ModelStore.Json), ModelStore.Json)!;
            Assert.Same(objective, restored.Objective);
        }
    }

    [Fact]
    public void UnknownNamesAreRefusedNamingTheKnownOnes()
    {
        var e = Assert.Throws<InvalidInputException>(() => TrainingObjectives.Parse("triplet"));
        Assert.Contains("'triplet'", e.Message);
        Assert.Contains("contrastive, mixed, multitask", e.Message);
        var cli = Que2Engage.Cli.Program.BuildRoot().Parse(["bench", "train", "--objective", "triplet"]).Errors;
        Assert.StartsWith("--objective must be contrastive, mixed or multitask (got 'triplet')", Assert.Single(cli).Message);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CheckpointState>(
            """{"objective": "triplet", "config": {}, "context_statistics": {}, "weights_file": "w", "optimizer_file": "o"}""", ModelStore.Json));
    }
}
