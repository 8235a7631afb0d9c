using System.Text.Json.Nodes;
using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Experiments;
using Que2Engage.Modeling;
using Que2Engage.Simulation;
using Que2Engage.Tests.Training;
using Que2Engage.Text;
using Que2Engage.Training;

namespace Que2Engage.Tests.Experiments;

public sealed class AblationRunnerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-ablation-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private sealed class RecordingProgress : IExperimentProgress
    {
        public List<string> Logs { get; } = [];
        public List<string> Tasks { get; } = [];
        public void Begin(string task, double total) => Tasks.Add(task);
        public void Report(double done, string status) { }
        public void Log(string message) => Logs.Add(message);
    }

    /// <summary>Tiny model and run: the point is the plumbing, not the numbers.</summary>
    private static TrainingOptions TinyKnobs => new()
    {
        Steps = 3, Threads = 1,
        Overrides = new()
        {
            BatchSize = 16, DModel = 16, Heads = 2, Ffn = 32, Dim = 16, FusionLayers = 1, QueryLayers = 1,
            QueryMaxTokens = 8, DocMaxTokens = 12, VocabSize = 512, TrigramBuckets = 512,
        },
    };

    [Fact]
    public void RunsCellsWritesTablesAndPlotsAndSkipsFinishedCellsOnRerun()
    {
        string data = Path.Combine(_dir, "data");
        MarketplaceGenerator.Generate(new WorldSettings { Products = 300, Queries = 80, Sessions = 200, Seed = 3 }, data);
        var dataset = MarketplaceDataset.Load(data);
        var truth = World.Load(World.PathIn(data));
        var options = new AblationOptions
        {
            OutputDirectory = Path.Combine(_dir, "out"),
            Seeds = [1],
            RunKnobs = TinyKnobs,
            Rows = [ModelVariant.PaperTable1[0], ModelVariant.PaperTable1[6]],
            Lambdas = [0.5],
            Evaluation = new EvaluationOptions { MaxQueries = 20 },
        };

        var first = new RecordingProgress();
        var report = AblationRunner.Run(dataset, truth, options, first);

        // Two model rows and the world's two reference rows.
        Assert.Equal(["Que2Search", "Que2Engage w/ multitask + modality dropout", "oracle relevance", "oracle engagement"], report.Rows.Select(r => r.Name));
        Assert.Equal(1.0, report.Rows[2].Metrics["relevance_auc"].Mean);   // the true r separates r = 2 from r ≤ 1 exactly
        Assert.Equal(1.0, report.Rows[2].Metrics["ndcg_at_10"].Mean, 9);
        Assert.True(report.Rows[3].Metrics["engagement_auc"].Mean > report.Rows[0].Metrics["engagement_auc"].Mean);
        Assert.Single(report.LambdaRows);
        Assert.Equal(3, first.Tasks.Where(t => t.StartsWith("train ", StringComparison.Ordinal)).Distinct().Count());
        foreach (var f in report.Files) Assert.True(File.Exists(f), f);
        Assert.Contains(report.Files, f => f.EndsWith("relevance_vs_engagement.png", StringComparison.Ordinal));
        Assert.Contains(report.Files, f => f.EndsWith("lambda_tradeoff.png", StringComparison.Ordinal));

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(options.OutputDirectory, "ablation.json")))!;
        var rows = json is JsonArray a ? a : json["rows"]!.AsArray();
        Assert.Equal(4, rows.Count);
        foreach (var row in rows)
        {
            Assert.False(string.IsNullOrEmpty(row!["name"]!.GetValue<string>()));
            foreach (string key in EvaluationResult.MetricKeys)
            {
                Assert.NotNull(row[$"{key}_mean"]);
                Assert.True(row.AsObject().ContainsKey($"{key}_std"));
            }
        }
        double auc = report.Rows[0].Metrics["engagement_auc"].Mean;
        Assert.InRange(auc, 0, 1);

        // Re-run: every cell is already stored, so nothing trains and the same table comes back.
        var second = new RecordingProgress();
        var again = AblationRunner.Run(dataset, truth, options, second);
        Assert.DoesNotContain(second.Tasks, t => t.StartsWith("train ", StringComparison.Ordinal));
        Assert.Equal(3, second.Logs.Count(l => l.StartsWith("skip ", StringComparison.Ordinal)));
        Assert.Equal(auc, again.Rows[0].Metrics["engagement_auc"].Mean);

        // A row whose recipe changed under the same name is stale: only that cell trains again.
        var q2s = ModelVariant.PaperTable1[0];
        var changed = options with { Rows = [q2s with { Options = q2s.Options with { Overrides = new() { LearningRate = 0.002 } } }, ModelVariant.PaperTable1[6]] };
        var third = new RecordingProgress();
        AblationRunner.Run(dataset, truth, changed, third);
        Assert.Single(third.Logs, l => l.StartsWith("retrain Que2Search (seed 1): its settings changed: --lr 0.002", StringComparison.Ordinal));
        Assert.Contains(third.Tasks, t => t.StartsWith("train Que2Search", StringComparison.Ordinal));
        Assert.DoesNotContain(third.Tasks, t => t.StartsWith("train Que2Engage", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsForPassesEveryRunSettingAndModelOverrideThrough()
    {
        var overrides = new ModelConfigOverrides();
        foreach (var p in typeof(ModelConfigOverrides).GetProperties())
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            p.SetValue(overrides, t == typeof(int) ? 7 : t == typeof(double) ? 0.3 : t == typeof(bool) ? true : "x.model");
        }
        var knobs = new TrainingOptions
        {
            Preset = "paper", Steps = 5, Epochs = 2, Seed = 9, Threads = 1, CheckpointEvery = 3, WarmupSteps = 4, Overrides = overrides,
        };
        var variant = ModelVariant.PaperTable1[3];   // Que2Search w/ contextual encoder + mixed batch
        var o = TrainAndEvaluate.OptionsFor(variant, knobs);
        Assert.Equal(overrides, o.Overrides);
        Assert.Equal(("paper", 5, 2, 9, 1, 3, 4, true), (o.Preset, o.Steps, o.Epochs, o.Seed, o.Threads, o.CheckpointEvery, o.WarmupSteps, o.Resume));
        Assert.Equal((variant.Options.Model, variant.Options.Objective, true), (o.Model, o.Objective, o.ContextEncoder));

        // A knob the run leaves open keeps the variant's own; one the run sets wins.
        var own = variant with { Options = variant.Options.WithOverrides(x => x with { Dropout = 0.1, Heads = 3 }) };
        Assert.Equal((0.1, 3), (TrainAndEvaluate.OptionsFor(own, new TrainingOptions()).Overrides.Dropout, TrainAndEvaluate.OptionsFor(own, new TrainingOptions()).Overrides.Heads));
        Assert.Equal((0.3, 7), (TrainAndEvaluate.OptionsFor(own, knobs).Overrides.Dropout, TrainAndEvaluate.OptionsFor(own, knobs).Overrides.Heads));
    }

    [Fact]
    public void DropoutDropRatesWarmupAndTokenizerOfTheRunReachTheTrainerAndTheStoredCell()
    {
        // These knobs used to be dropped on the way from an experiment's run knobs to the trainer (issue 14).
        string data = Path.Combine(_dir, "data");
        MarketplaceGenerator.Generate(new WorldSettings { Products = 300, Queries = 80, Sessions = 200, Seed = 3 }, data);
        var dataset = MarketplaceDataset.Load(data);
        string spm = Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "tiny_xlmr.model");
        var row = ModelVariant.PaperTable1[6];   // Que2Engage w/ multitask + modality dropout
        var options = new AblationOptions
        {
            OutputDirectory = Path.Combine(_dir, "out"),
            Seeds = [1],
            RunKnobs = TinyKnobs.WithOverrides(o => o with
            {
                Dropout = 0.25, ContextDropRate = 0.125, ImageDropRate = 0.375, TextDropRate = 0.625, TokenizerModel = spm,
            }) with { WarmupSteps = 2 },
            Rows = [row],
            Evaluation = new EvaluationOptions { MaxQueries = 20 },
        };
        AblationRunner.Run(dataset, null, options);

        string modelDir = Path.Combine(options.OutputDirectory, "models", $"{row.Slug}-seed1");
        var config = ModelStore.ReadManifest(Path.Combine(modelDir, ModelStore.ConfigFile)).Config;
        Assert.Equal((0.25, 0.125, 0.375, 0.625), (config.Dropout, config.ContextDropRate, config.ImageDropRate, config.TextDropRate));
        Assert.Equal(SentencePieceTokenizer.KindName, config.Tokenizer.Kind);
        Assert.True(File.Exists(Path.Combine(modelDir, ModelStore.TokenizerModelFile)));
        // Warm-up over 2 steps: step 1 at half the learning rate, step 2 at the full rate.
        var lr = File.ReadLines(Path.Combine(modelDir, MetricsLog.FileName)).Select(l => JsonNode.Parse(l)!["lr"]!.GetValue<double>()).ToList();
        Assert.Equal(new[] { config.LearningRate / 2, config.LearningRate, config.LearningRate }, lr);

        var stored = new ResultStore(Path.Combine(options.OutputDirectory, "cells")).TryLoad(row.Name, 1)!.Settings!;
        Assert.Equal(("0.25", "0.125/0.375/0.625", "tiny_xlmr.model", "2"),
            (stored["dropout"], stored["modality drop rates"], stored["--tokenizer-model"], stored["warm-up steps"]));
    }

    [Fact]
    public void FrozenMiniLmIsAnExtraRowEvaluatedOnceAndCached()
    {
        string data = Path.Combine(_dir, "data");
        MarketplaceGenerator.Generate(new WorldSettings { Products = 200, Queries = 40, Sessions = 120, Seed = 5 }, data);
        var dataset = MarketplaceDataset.Load(data);
        var truth = World.Load(World.PathIn(data));
        var options = new AblationOptions
        {
            OutputDirectory = Path.Combine(_dir, "out"),
            Seeds = [1, 2],
            RunKnobs = TinyKnobs,
            Rows = [ModelVariant.PaperTable1[0]],
            Evaluation = new EvaluationOptions { MaxQueries = 10 },
            Baselines = ["pretrained-minilm"],
        };
        string row = AblationRunner.BaselineRowName("pretrained-minilm");
        var first = new RecordingProgress();
        var report = AblationRunner.Run(dataset, truth, options, first);
        Assert.Equal(4, report.Rows.Count);   // Que2Search, the frozen encoder and the two oracle rows
        var baseline = Assert.Single(report.Rows, r => r.Name == row);
        Assert.Equal([1], baseline.Seeds);
        Assert.InRange(baseline.Metrics["relevance_auc"].Mean, 0, 1);
        Assert.Contains(row, first.Tasks);

        var second = new RecordingProgress();
        var again = AblationRunner.Run(dataset, truth, options, second);
        Assert.DoesNotContain(row, second.Tasks);
        Assert.Equal(baseline.Metrics["relevance_auc"].Mean, again.Rows.Single(r => r.Name == row).Metrics["relevance_auc"].Mean);

        var unknown = options with { Baselines = ["bert-large"] };
        Assert.Contains("unknown frozen encoder", Assert.Throws<InvalidInputException>(() => AblationRunner.Run(dataset, truth, unknown)).Message);
    }

    [Fact]
    public void DirectionChecksUseTheIssueThresholds()
    {
        var baseline = new EvaluationResult { EngagementAuc = 0.55, RelevanceAuc = 0.80, NdcgAt10 = 0.60, ExpectedEngagementAt10 = 0.20 };
        var good = new EvaluationResult { EngagementAuc = 0.66, RelevanceAuc = 0.785, NdcgAt10 = 0.595, ExpectedEngagementAt10 = 0.21 };
        var checks = DemoWorkflow.CheckDirection(baseline, good);
        Assert.Equal(5, checks.Count);
        Assert.All(checks.Take(4), c => Assert.True(c.Holds, c.Claim));
        Assert.False(checks[4].Holds);   // stretch: engagement AUC ≥ 0.70 with relevance AUC ≥ Que2Search's

        var bad = new EvaluationResult { EngagementAuc = 0.60, RelevanceAuc = 0.75, NdcgAt10 = 0.50, ExpectedEngagementAt10 = 0.205 };
        Assert.All(DemoWorkflow.CheckDirection(baseline, bad), c => Assert.False(c.Holds, c.Claim));

        var stretch = good with { EngagementAuc = 0.71, RelevanceAuc = 0.80, EngagementWeight = 0.25 };
        checks = DemoWorkflow.CheckDirection(baseline, stretch);
        Assert.All(checks, c => Assert.True(c.Holds, c.Claim));
        Assert.Contains("serving setting w = 0.25", checks[2].Claim);
    }
}
