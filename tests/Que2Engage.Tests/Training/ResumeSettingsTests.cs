using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

/// <summary>Issue 24 item 9: the resume error names each setting by the flag that sets it, with both values right.</summary>
public sealed class ResumeSettingsTests
{
    private static CheckpointState StateOf(TrainingOptions trained) => new()
    {
        Step = 7,
        Seed = trained.Seed,
        Objective = trained.Objective,
        Config = ModelConfig.Preset("small") with { Kind = trained.Model },
        ContextStatistics = new ContextStatistics(),
        WeightsFile = "weights.bin",
        OptimizerFile = "optimizer.bin",
        Settings = ResumeSettings.Of(trained),
    };

    private static TrainingOptions Que2Engage(TrainingRecipe recipe) => TrainingRecipes.Apply(recipe,
        new TrainingOptions { Model = ModelKind.Que2Engage, Objective = TrainingObjectives.Multitask });

    [Fact]
    public void AQue2EngageCheckpointIsNotCalledQue2Search()
    {
        // Trained with --model que2engage (the recommended recipe: que2search's document tower), resumed with
        // --model que2engage --recipe paper (que2engage's tower): the --model flag is the same both times.
        var e = Assert.Throws<InvalidInputException>(() =>
            ResumeSettings.Check(StateOf(Que2Engage(TrainingRecipe.Recommended)), Que2Engage(TrainingRecipe.Paper), "m"));
        Assert.Contains("--document-tower que2engage (checkpoint: que2search)", e.Message);
        Assert.DoesNotContain("--model", e.Message);

        // And the other way round: the values are the request's and the checkpoint's, not swapped.
        e = Assert.Throws<InvalidInputException>(() =>
            ResumeSettings.Check(StateOf(Que2Engage(TrainingRecipe.Paper)), Que2Engage(TrainingRecipe.Recommended), "m"));
        Assert.Contains("--document-tower que2search (checkpoint: que2engage)", e.Message);
    }

    [Fact]
    public void ACheckpointWithoutRecordedSettingsNamesTheTowerToo()
    {
        var state = StateOf(Que2Engage(TrainingRecipe.Recommended)) with { Settings = null };
        var e = Assert.Throws<InvalidInputException>(() => ResumeSettings.Check(state, Que2Engage(TrainingRecipe.Paper), "m"));
        Assert.Contains("--document-tower que2engage (checkpoint: que2search)", e.Message);
    }

    [Fact]
    public void TheSameSettingsResume() =>
        ResumeSettings.Check(StateOf(Que2Engage(TrainingRecipe.Recommended)), Que2Engage(TrainingRecipe.Recommended), "m");
}
