using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-traincli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string WriteToyData()
    {
        var world = new ToyWorld(trainSessions: 60, evalSessions: 5);
        string data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(Path.Combine(data, "train"));
        using (var w = DataWriters.Products(Path.Combine(data, "products.jsonl")))
            foreach (var p in world.Products) w.Write(p);
        using (var w = DataWriters.Impressions(Path.Combine(data, "train", "impressions.jsonl")))
            foreach (var i in world.Train) w.Write(i);
        return data;
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Fact]
    public void TrainsQue2SearchWithDefaultContrastiveObjective()
    {
        string data = WriteToyData(), model = Path.Combine(_dir, "model");
        var (code, output, err) = Run("train", "--data", data, "--out", model, "--model", "que2search", "--context",
            "--steps", "3", "--batch", "16", "--d-model", "16", "--heads", "2", "--ffn", "32", "--dim", "8",
            "--query-layers", "1", "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Contains("trained que2search (contrastive) for 3 steps", output);
        var manifest = ModelStore.ReadManifest(Path.Combine(model, ModelStore.ConfigFile));
        Assert.Equal(ModelKind.Que2Search, manifest.Config.Kind);
        Assert.True(manifest.Config.ContextEncoder);
        Assert.Equal(8, manifest.Config.ImageDim);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(model, MetricsLog.FileName)).Length);
    }

    [Fact]
    public void UserMistakesAreOneLineErrorsWithExitCode2()
    {
        string data = WriteToyData();
        var (code, _, err) = Run("train", "--data", Path.Combine(_dir, "missing"), "--out", Path.Combine(_dir, "m"));
        Assert.Equal(2, code);
        Assert.Contains("missing", err);
        Assert.DoesNotContain("   at ", err);

        (code, _, err) = Run("train", "--data", data, "--out", Path.Combine(_dir, "m"), "--steps", "0");
        Assert.Equal(2, code);
        Assert.Contains("--steps", err);

        (code, _, err) = Run("train", "--data", data, "--out", Path.Combine(_dir, "m"), "--modality-dropout", "--model", "que2search");
        Assert.Equal(2, code);
        Assert.Contains("--modality-dropout", err);
    }

    private static readonly string[] Tiny =
        ["--steps", "3", "--batch", "16", "--d-model", "16", "--heads", "2", "--ffn", "32", "--dim", "8", "--query-layers", "1", "--threads", "1"];

    [Fact]
    public void BareQue2EngageTrainsTheRecommendedRecipeAndThePaperRecipeIsOneFlagAway()
    {
        string data = WriteToyData();
        var (code, _, err) = Run(["train", "--data", data, "--out", Path.Combine(_dir, "rec"), .. Tiny]);
        Assert.True(code == 0, err);
        var rec = ModelStore.ReadManifest(Path.Combine(_dir, "rec", ModelStore.ConfigFile));
        Assert.True(rec.Config.EngagementPrior);
        Assert.Equal(ModelKind.Que2Search, rec.Config.Kind);   // the late-fusion document tower
        Assert.Equal(RelevancePositives.Engaged, LossSettings.Of(rec)!.RelevancePositives);
        Assert.Equal(0.5, LossSettings.Of(rec)!.EngagedFraction);

        (code, _, err) = Run(["train", "--data", data, "--out", Path.Combine(_dir, "paper"), "--recipe", "paper", "--modality-dropout", .. Tiny]);
        Assert.True(code == 0, err);
        var paper = ModelStore.ReadManifest(Path.Combine(_dir, "paper", ModelStore.ConfigFile));
        Assert.False(paper.Config.EngagementPrior);
        Assert.Equal(ModelKind.Que2Engage, paper.Config.Kind);
        Assert.True(paper.Config.ModalityDropout);
        Assert.Equal(new LossSettings(TrainingObjectives.Multitask, 0.8, 0.2, false, RelevancePositives.Shown, null, 1.0), LossSettings.Of(paper));

        // One switch of the recipe turned back, the rest kept.
        (code, _, err) = Run(["train", "--data", data, "--out", Path.Combine(_dir, "mixed"), "--relevance-positives", "shown", "--document-tower", "que2engage", .. Tiny]);
        Assert.True(code == 0, err);
        var mixed = ModelStore.ReadManifest(Path.Combine(_dir, "mixed", ModelStore.ConfigFile));
        Assert.Equal(ModelKind.Que2Engage, mixed.Config.Kind);
        Assert.True(mixed.Config.EngagementPrior);
        Assert.Equal(RelevancePositives.Shown, LossSettings.Of(mixed)!.RelevancePositives);

        // The recommended recipe's tower has no modality dropout: say how to get it.
        (code, _, err) = Run(["train", "--data", data, "--out", Path.Combine(_dir, "md"), "--modality-dropout", .. Tiny]);
        Assert.Equal(2, code);
        Assert.Contains("--document-tower que2engage", err);
    }

    [Fact]
    public void DefaultObjectiveFollowsTheModel()
    {
        Assert.Equal(TrainingObjectives.Multitask, Cli.Commands.TrainCommand.DefaultObjective(ModelKind.Que2Engage));
        Assert.Equal(TrainingObjectives.Contrastive, Cli.Commands.TrainCommand.DefaultObjective(ModelKind.Que2Search));
        var parsed = Program.BuildRoot().Parse(["bench", "train", "--model", "que2search", "--objective", "mixed", "--optimizer", "lazy-adam"]);
        Assert.Equal((ModelKind.Que2Search, TrainingObjectives.Mixed, (bool?)true),
            (parsed.GetValue<ModelKind>("--model"), parsed.GetValue<ITrainingObjective?>("--objective"),
             Cli.Commands.TrainCommand.LazyAdam(parsed.GetValue<Cli.Commands.TrainCommand.Optimizer?>("--optimizer"))));
        Assert.Null(Program.BuildRoot().Parse(["bench", "train"]).GetValue<Cli.Commands.TrainCommand.Optimizer?>("--optimizer"));
    }
}
