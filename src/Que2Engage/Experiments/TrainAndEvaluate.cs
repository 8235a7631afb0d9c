using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Modeling;
using Que2Engage.Training;

namespace Que2Engage.Experiments;

/// <summary>The unit of every experiment: train one variant with one seed into a model directory, then evaluate it.</summary>
public static class TrainAndEvaluate
{
    public sealed record Outcome(EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss, string ModelDirectory);

    /// <summary>
    /// The stored result of (variant, seed) when <paramref name="store"/> has it (an interrupted experiment resumes by
    /// skipping finished cells), otherwise <see cref="Run"/> and store it. The seed is <paramref name="runKnobs"/>'s.
    /// </summary>
    public static (EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss) RunOrReuse(ResultStore store,
        ModelVariant variant, TrainingOptions runKnobs, MarketplaceDataset data, IGroundTruth? truth, string modelDir,
        EvaluationOptions evaluation, IExperimentProgress progress, CancellationToken ct = default)
    {
        int seed = runKnobs.Seed;
        var settings = ResumeSettings.Of(OptionsFor(variant, runKnobs));
        var stored = store.TryLoad(variant.Name, seed);
        if (stored is not null)
        {
            // A cell trained with other settings (a recipe that changed since) is stale: train it again, from scratch.
            var changed = stored.Settings is null ? [] : settings
                .Where(kv => stored.Settings.TryGetValue(kv.Key, out var old) && old != kv.Value)
                .Select(kv => $"{kv.Key} {kv.Value} (stored: {stored.Settings[kv.Key]})").ToList();
            if (changed.Count == 0)
            {
                progress.Log($"skip {variant.Name} (seed {seed}): already done");
                return (stored.Result, stored.Loss);
            }
            progress.Log($"retrain {variant.Name} (seed {seed}): its settings changed: {string.Join(", ", changed)}");
            if (Directory.Exists(modelDir)) Directory.Delete(modelDir, recursive: true);
        }
        var outcome = Run(variant, runKnobs, data, truth, modelDir, evaluation, progress, ct);
        store.Save(variant.Name, seed, outcome.Result, outcome.Loss, settings);
        var r = outcome.Result;
        progress.Log($"{variant.Name} (seed {seed}): engagement AUC {r.EngagementAuc:F3}, relevance AUC {r.RelevanceAuc:F3}, " +
                     $"NDCG@10 {r.NdcgAt10:F3}, E[eng]@10 {r.ExpectedEngagementAt10:F4}");
        return (outcome.Result, outcome.Loss);
    }

    /// <summary>
    /// The training options of (variant, run knobs): the variant's architecture and loss with every run setting of
    /// <paramref name="runKnobs"/> (seed, length, preset, threads, checkpoints, warm-up) and its model overrides on top
    /// of the variant's own (batch, learning rates, sizes, dropout and drop rates, tokenizer, init checkpoint).
    /// </summary>
    public static TrainingOptions OptionsFor(ModelVariant variant, TrainingOptions runKnobs) => variant.Options with
    {
        Preset = runKnobs.Preset,
        Steps = runKnobs.Steps,
        Epochs = runKnobs.Epochs,
        Seed = runKnobs.Seed,
        Threads = runKnobs.Threads,
        CheckpointEvery = runKnobs.CheckpointEvery,
        WarmupSteps = runKnobs.WarmupSteps,
        Overrides = runKnobs.Overrides.Or(variant.Options.Overrides),
        // Resume is harmless on a fresh directory (no checkpoint: starts at step 0) and makes an interrupted
        // experiment continue where it stopped.
        Resume = true,
    };

    /// <param name="runKnobs">Run settings and model overrides applied to the variant (<see cref="OptionsFor"/>).</param>
    public static Outcome Run(ModelVariant variant, TrainingOptions runKnobs, MarketplaceDataset data, IGroundTruth? truth,
        string modelDir, EvaluationOptions evaluation, IExperimentProgress progress, CancellationToken ct = default)
    {
        var options = OptionsFor(variant, runKnobs);
        progress.Begin($"train {variant.Name} (seed {options.Seed})", 1);
        var trained = Trainer.Train(data.Products, data.TrainImpressions, options, modelDir, p =>
        {
            progress.Begin($"train {variant.Name} (seed {options.Seed})", p.TotalSteps);
            progress.Report(p.Step, $"loss {p.Loss:F3}, {p.ExamplesPerSecond:F0} ex/s");
        }, ct);
        var loss = trained.LossCurve.Select((l, i) => ((double)(i + 1), l)).ToList();

        progress.Begin($"evaluate {variant.Name} (seed {options.Seed})", 1);
        using var model = ModelStore.Load(modelDir);
        var result = Evaluator.Evaluate(model, data.Products, data.EvalImpressions, data.Relevance, truth, evaluation,
            (stage, fraction) => progress.Report(fraction, stage));
        return new Outcome(result, loss, modelDir);
    }
}
