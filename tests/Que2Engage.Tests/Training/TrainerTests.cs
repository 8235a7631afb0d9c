using Que2Engage.Modeling;
using Que2Engage.Training;
using TorchSharp;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Dir(string name) => Path.Combine(_dir, name);

    [Fact]
    public void MultitaskLearnsEngagementFromContext()
    {
        var world = new ToyWorld();
        var result = Trainer.Train(world.Products, world.Train, ToyWorld.TinyOptions() with { Steps = 100 }, Dir("m"));

        Assert.Equal(100, result.Steps);
        Assert.Equal(100, result.LossCurve.Count);
        Assert.All(result.LossCurve, l => Assert.True(double.IsFinite(l)));
        double first = result.LossCurve.Take(10).Average(), last = result.LossCurve.TakeLast(10).Average();
        Assert.True(last < 0.85 * first, $"loss did not fall: {first:F3} → {last:F3}");

        using var model = ModelStore.Load(Dir("m"));
        var byId = world.Products.ToDictionary(p => p.ProductId);
        var q = model.EmbedQueries(world.Eval.Select(i => i.Query).ToList());
        var d = model.EmbedProducts(world.Eval.Select(i => byId[i.ProductId]).ToList());
        var scores = q.Select((qv, i) => (double)qv.Zip(d[i], (a, b) => a * b).Sum()).ToList();
        double auc = AucTestHelper.Auc(scores, world.Eval.Select(i => i.Engaged).ToList());
        Assert.True(auc > 0.6, $"engagement AUC {auc:F3}");

        var metricsLines = File.ReadAllLines(Path.Combine(Dir("m"), MetricsLog.FileName));
        Assert.Equal(100, metricsLines.Length);
        Assert.Contains("\"loss_engagement\"", metricsLines[0]);
    }

    [Theory]
    [InlineData(ModelKind.Que2Search, "contrastive")]
    [InlineData(ModelKind.Que2Search, "mixed")]
    [InlineData(ModelKind.Que2Engage, "mixed")]
    public void OtherObjectivesTrainWithFiniteLoss(ModelKind kind, string objective)
    {
        var world = new ToyWorld(trainSessions: 120);
        var result = Trainer.Train(world.Products, world.Train, ToyWorld.TinyOptions(kind, TrainingObjectives.Parse(objective)) with { Steps = 15 }, Dir("o"));
        Assert.Equal(15, result.Steps);
        Assert.All(result.LossCurve, l => Assert.True(double.IsFinite(l)));
        Assert.True(File.Exists(Path.Combine(Dir("o"), ModelStore.WeightsFile)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResumeContinuesExactly(bool lazyAdam)
    {
        var world = new ToyWorld(trainSessions: 120);
        var options = ToyWorld.TinyOptions().WithOverrides(o => o with { LazyAdam = lazyAdam }) with { Steps = 12, CheckpointEvery = 5, ModalityDropout = true };
        var straight = Trainer.Train(world.Products, world.Train, options, Dir("straight"));

        Trainer.Train(world.Products, world.Train, options with { Steps = 5 }, Dir("split"));
        var resumed = Trainer.Train(world.Products, world.Train, options with { Resume = true }, Dir("split"));

        Assert.Equal(12, resumed.Steps);
        Assert.Equal(12, resumed.LossCurve.Count);
        for (int i = 0; i < 12; i++) Assert.Equal(straight.LossCurve[i], resumed.LossCurve[i], 4);

        using var a = ModelStore.Load(Dir("straight"));
        using var b = ModelStore.Load(Dir("split"));
        var ea = a.EmbedProducts(world.Products.Take(5).ToList());
        var eb = b.EmbedProducts(world.Products.Take(5).ToList());
        for (int i = 0; i < ea.Length; i++)
            for (int j = 0; j < ea[i].Length; j++)
                Assert.Equal(ea[i][j], eb[i][j], 4);
        Assert.Equal(12, File.ReadAllLines(Path.Combine(Dir("split"), MetricsLog.FileName)).Length);
    }

    [Fact]
    public void HalfWrittenTempFilesNeverLoad()
    {
        var world = new ToyWorld(trainSessions: 60);
        var options = ToyWorld.TinyOptions() with { Steps = 4, CheckpointEvery = 2 };
        Trainer.Train(world.Products, world.Train, options, Dir("c"));
        string ckpt = CheckpointStore.DirectoryFor(Dir("c"));
        var committed = CheckpointStore.TryRead(Dir("c"))!;
        Assert.Equal(4, committed.Step);
        // A crash mid-write leaves only temp files behind: garbage bytes next to the committed files.
        File.WriteAllBytes(Path.Combine(ckpt, "model-0000006.bin.tmp-1-abc"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(ckpt, CheckpointStore.StateFile + ".tmp-1-abc"), "{\"step\": 6, tru");
        Assert.Equal(4, CheckpointStore.TryRead(Dir("c"))!.Step);
        var resumed = Trainer.Train(world.Products, world.Train, options with { Steps = 6, Resume = true }, Dir("c"));
        Assert.Equal(6, resumed.Steps);
    }

    [Fact]
    public void DivergenceStopsWithClearErrorAndKeepsCheckpoint()
    {
        var world = new ToyWorld(trainSessions: 60);
        var options = ToyWorld.TinyOptions().WithOverrides(o => o with { LearningRate = 1e30 }) with { Steps = 30, CheckpointEvery = 1, WarmupSteps = 0 };
        var e = Assert.Throws<Que2EngageException>(() => Trainer.Train(world.Products, world.Train, options, Dir("nan")));
        Assert.Matches(@"diverged at step \d+", e.Message);
        Assert.IsNotType<InvalidInputException>(e);
        var kept = CheckpointStore.TryRead(Dir("nan"));
        Assert.NotNull(kept);
        Assert.All(kept!.LossCurve, l => Assert.True(double.IsFinite(l)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NativeMemoryStaysFlat(bool lazyAdam)
    {
        var world = new ToyWorld(trainSessions: 60);
        var options = ToyWorld.TinyOptions().WithOverrides(o => o with { BatchSize = 8, LazyAdam = lazyAdam });
        Trainer.Train(world.Products, world.Train, options with { Steps = 20 }, Dir("warm"));

        var stats = DisposeScopeManager.Statistics;
        stats.Reset();
        long liveBefore = stats.ThreadTotalLiveCount;
        Trainer.Train(world.Products, world.Train, options with { Steps = 200 }, Dir("mem"));
        long liveAfter = stats.ThreadTotalLiveCount;
        // Every tensor created inside a training step is disposed with its scope.
        Assert.True(liveAfter - liveBefore < 50, $"live tensors grew by {liveAfter - liveBefore} over 200 steps");
        Assert.True(stats.CreatedInScopeCount > 200 * 10);
    }

    [Fact]
    public void RejectsUnusableInput()
    {
        var world = new ToyWorld(trainSessions: 10);
        Assert.Throws<InvalidInputException>(() => Trainer.Train([], world.Train, ToyWorld.TinyOptions(), Dir("x")));
        var orphan = world.Train.Select(i => i with { ProductId = "missing" }).ToList();
        var e = Assert.Throws<InvalidInputException>(() => Trainer.Train(world.Products, orphan, ToyWorld.TinyOptions(), Dir("x")));
        Assert.Contains("missing from the catalogue", e.Message);
        Assert.Throws<InvalidInputException>(() => Trainer.Train(world.Products, world.Train, ToyWorld.TinyOptions() with { Steps = 0 }, Dir("x")));
    }
}
