using System.CommandLine;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Cache;
using Spectre.Console;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>train --data DIR --out MODEL_DIR --model que2engage|que2search [--context] [--objective …]
/// [--modality-dropout] [--preset small|paper] [--steps N | --epochs N] …</c>: reads the data directory, trains with a
/// progress bar (loss, examples/s, ETA) and prints a summary. Default objective: multitask for que2engage,
/// contrastive for que2search.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory (products + train/impressions).", Required = true };
        var output = new Option<string>("--out") { Description = "Model directory to write (config.json, weights.bin, metrics.jsonl, checkpoint/).", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model or interrupted run already in --out (refused otherwise)." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip (and count) bad data rows instead of failing." };
        // Every training knob's option comes from its declaration (TrainingKnobs); --overwrite and --lenient are the
        // command's own and are listed where --help has always shown them.
        var knobs = KnobOptions.All();
        var c = new Command("train", "Train a Que2Search or Que2Engage model on a data directory.") { data, output };
        foreach (var b in knobs)
        {
            c.Options.Add(b.Option);
            if (b.Knob == TrainingKnobs.Resume) c.Options.Add(overwrite);
            if (b.Knob == TrainingKnobs.EngagementGradient) c.Options.Add(lenient);
        }
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var kind = p.GetValue(knobs.Of(TrainingKnobs.Model));
            // The knobs, then the recipe over them, then a switch given on the command line over the recipe.
            var options = KnobOptions.Bind(knobs, p, new TrainingOptions());
            options = options with { Overrides = Modeling.Pretrained.PretrainedInit.Prepare(options.Overrides) };
            // The recipe, not the user, chose the other tower: say how to get que2engage's back (a CLI matter: --recipe).
            if (kind == ModelKind.Que2Engage && options.Model == ModelKind.Que2Search && options.ModalityDropout)
                throw new InvalidInputException("--modality-dropout applies to the que2engage document tower; the recommended recipe uses que2search's (add --document-tower que2engage, or --recipe paper)");
            options.Validate();

            var writer = p.InvocationConfiguration.Output;
            string outDir = p.GetValue(output)!;
            var checkpoint = TrainingOutput.Prepare(outDir, options.Resume, p.GetValue(overwrite), OutputSwitches);
            if (options.Resume)
            {
                if (checkpoint is null) writer.WriteLine("no checkpoint: starting fresh");
                else
                {
                    ResumeSettings.Check(checkpoint, options, outDir, OutputSwitches);
                    writer.WriteLine($"resuming from the checkpoint at step {checkpoint.Step}");
                }
            }
            var read = p.GetValue(lenient) ? ReadOptions.LenientMode : ReadOptions.Strict;
            using var trainingSet = OpenTrainingSet(p.GetValue(data)!, Trainer.FeaturizationConfig(options, outDir), read, writer);
            var header = trainingSet.Header;
            Verbs.ReportSkipped(writer, p.GetValue(data)!, header.SkippedRows);
            writer.WriteLine($"{header.ValidProducts:N0} products, {header.Data.TrainImpressions:N0} training impressions");
            if (header.Data.TrainImpressions == 0)
                throw new InvalidInputException($"{p.GetValue(data)}: no training impressions (train/impressions.parquet|jsonl)");

            var result = TrainWithProgress(trainingSet, options, outDir);
            writer.WriteLine(
                $"trained {kind.ToString().ToLowerInvariant()} ({options.Objective.Name}) for {result.Steps} steps " +
                $"in {result.Elapsed:hh\\:mm\\:ss}: loss {Head(result.LossCurve):F3} → {result.FinalLoss:F3} (mean of first/last 10 steps: " +
                $"{Head(result.LossCurve, 10):F3} → {Tail(result.LossCurve, 10):F3}), {result.ExamplesPerSecond:F0} examples/s");
            writer.WriteLine($"model written to {outDir}");
            return 0;
        }));
        return c;
    }

    private static double Head(IReadOnlyList<double> curve, int n = 1) => curve.Count == 0 ? double.NaN : curve.Take(n).Average();
    private static double Tail(IReadOnlyList<double> curve, int n) => curve.Count == 0 ? double.NaN : curve.TakeLast(n).Average();

    /// <summary>
    /// The data directory's training cache (Training.Cache.TrainingCache): checked and reused, or built with a
    /// progress bar per stage (a build reads every row once, so its bad rows stop it with file:row: field).
    /// </summary>
    private static TrainingSet OpenTrainingSet(string dataDir, ModelConfig featurization, ReadOptions read, TextWriter writer)
    {
        var notes = new List<string>();
        TrainingSet? set = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new InlineProgress<CacheProgress>(c =>
                {
                    if (!tasks.TryGetValue(c.Stage, out var task)) tasks[c.Stage] = task = ctx.AddTask(c.Stage, maxValue: 1);
                    if (c.Total is long total) { task.MaxValue = Math.Max(1, total); task.Value = c.Done; }
                    else { task.IsIndeterminate = true; task.Description = $"{c.Stage} {c.Done:N0}"; }
                });
                set = TrainingCache.Open(dataDir, featurization, read, notes.Add, progress);
            });
        foreach (var note in notes) writer.WriteLine(note);
        return set!;
    }

    private static TrainingResult TrainWithProgress(TrainingSet dataset, TrainingOptions options, string outDir)
    {
        TrainingResult? result = null;
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += cancel;
        try
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: 1);
                    result = Trainer.Train(dataset, options, outDir, progress =>
                    {
                        task.MaxValue = progress.TotalSteps;
                        task.Value = progress.Step;
                        task.Description = $"step {progress.Step}/{progress.TotalSteps} loss {progress.Loss:F3} {progress.ExamplesPerSecond:F0} ex/s";
                    }, cts.Token);
                });
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
        return result!;
    }

    /// <summary>
    /// --optimizer: adam (dense over every row) or lazy-adam (sparse table gradients), bound to
    /// <see cref="ModelConfigOverrides.LazyAdam"/>; absent = the preset's.
    /// </summary>
    public static Option<Optimizer?> OptimizerOption() => CliOptions.Choice<Optimizer?>(TrainingKnobs.LazyAdam.Flag!, TrainingKnobs.LazyAdam.Help(),
        [("adam", Optimizer.Adam), ("lazy-adam", Optimizer.LazyAdam)], null);

    /// <summary>The --optimizer values.</summary>
    public enum Optimizer { Adam, LazyAdam }

    /// <summary><see cref="ModelConfigOverrides.LazyAdam"/> of an --optimizer value: null (absent) = the preset's.</summary>
    public static bool? LazyAdam(Optimizer? optimizer) => optimizer is { } o ? o == Optimizer.LazyAdam : null;

    /// <summary>How <see cref="TrainingOutput"/>'s errors name train's switches: its flags.</summary>
    public static readonly TrainingOutput.SwitchNames OutputSwitches = new("--resume", "--overwrite", "--out");

    /// <summary>The model names of --model and --document-tower.</summary>
    public static (string Name, ModelKind Value)[] ModelKinds => TrainingKnobs.ModelKinds;

    /// <summary>The model's default objective: multitask for Que2Engage, contrastive for Que2Search.</summary>
    public static ITrainingObjective DefaultObjective(ModelKind kind) => TrainingObjectives.DefaultFor(kind);
}
