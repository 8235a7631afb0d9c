using Que2Engage.Experiments;
using Que2Engage.Modeling;
using Que2Engage.Training;

namespace Que2Engage.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.Validate"/>: single values and the combinations that do not go together, each named in
/// the library's terms (Type.Property, listed in the error's Settings) so a front end can show its own names.
/// </summary>
public sealed class TrainingOptionsTests
{
    private static InvalidInputException Refused(TrainingOptions options) => Assert.Throws<InvalidInputException>(options.Validate);

    [Fact]
    public void ABadValueIsNamedAsItsProperty()
    {
        var e = Refused(new TrainingOptions { Steps = 0 });
        Assert.Equal("TrainingOptions.Steps must be > 0 (got 0)", e.Message);
        Assert.Equal(["TrainingOptions.Steps"], e.Settings);
        Assert.Equal(2, e.ExitCode);
        Assert.Equal(["TrainingOptions.Lambda1", "TrainingOptions.Lambda2"], Refused(new TrainingOptions { Lambda1 = 0, Lambda2 = 0 }).Settings);
        Assert.Equal(["TrainingOptions.CheckpointEvery"], Refused(new TrainingOptions { CheckpointEvery = 0 }).Settings);
        Assert.Equal(["TrainingOptions.WarmupSteps"], Refused(new TrainingOptions { WarmupSteps = -1 }).Settings);
    }

    [Fact]
    public void TheContextEncoderIsQue2SearchsAndModalityDropoutQue2Engages()
    {
        var context = Refused(new TrainingOptions { Model = ModelKind.Que2Engage, ContextEncoder = true });
        Assert.StartsWith("TrainingOptions.ContextEncoder applies to the que2search document tower", context.Message);
        Assert.Equal(["TrainingOptions.ContextEncoder"], context.Settings);
        var dropout = Refused(new TrainingOptions { Model = ModelKind.Que2Search, ModalityDropout = true });
        Assert.Equal("TrainingOptions.ModalityDropout applies to the que2engage document tower", dropout.Message);

        new TrainingOptions { Model = ModelKind.Que2Search, ContextEncoder = true }.Validate();
        new TrainingOptions { Model = ModelKind.Que2Engage, ModalityDropout = true }.Validate();
        foreach (var row in ModelVariant.AblationRows) row.Options.Validate();   // every row of Table 1 and the recommended one
    }

    [Fact]
    public void AnXlmRInitNeedsItsTokenizerAnOnnxOneBringsItsOwn()
    {
        var e = Refused(new TrainingOptions().WithOverrides(o => o with { InitCheckpoint = "xlmr.safetensors" }));
        Assert.StartsWith("ModelConfigOverrides.InitCheckpoint needs ModelConfigOverrides.TokenizerModel", e.Message);
        Assert.Equal(["ModelConfigOverrides.InitCheckpoint", "ModelConfigOverrides.TokenizerModel"], e.Settings);
        new TrainingOptions().WithOverrides(o => o with { InitCheckpoint = "xlmr.safetensors", TokenizerModel = "sentencepiece.bpe.model" }).Validate();
        new TrainingOptions().WithOverrides(o => o with { InitCheckpoint = "encoder.onnx" }).Validate();   // vocab.txt beside it
        new TrainingOptions().WithOverrides(o => o with { InitCheckpoint = "minilm" }).Validate();
    }
}
