using Que2Engage.Common;
using System.Diagnostics;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Training.Cache;
using Que2Engage.Training.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Que2Engage.Training;

/// <summary>
/// Trains a two-tower model with Adam on one of the objectives (<see cref="TrainingObjectives"/>) and writes MODEL_DIR (config.json,
/// weights.bin, metrics.jsonl, checkpoint/). Deterministic for a given seed and thread count: the data order is a
/// function of (seed, position) and torch's RNG (dropout, modality dropout) is re-seeded from (seed, step) at every
/// step, which is also what makes <see cref="TrainingOptions.Resume"/> continue exactly.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Steps when neither <see cref="TrainingOptions.Steps"/> nor <see cref="TrainingOptions.Epochs"/> is given. Measured on the shared 2-core machine (BENCHMARKS.md): the
    /// small preset trains Que2Search at 550–730 examples/s, so 400 steps of batch 256 (102k examples) take about 3
    /// minutes. At 200 steps the loss was still falling fast: 400 steps raised Que2Search's relevance AUC from 0.769 to
    /// 0.815 and NDCG@10 from 0.642 to 0.722 over three seeds (RESULTS.md).
    /// </summary>
    public const int DefaultSteps = 400;

    /// <summary>
    /// Trains on rows already in memory: they are written to a temporary training set first (the same featurised,
    /// memory-mapped form <c>train</c> builds beside a data directory), which is deleted afterwards. Impressions
    /// without a query or naming a product missing from the catalogue are skipped.
    /// </summary>
    /// <param name="profile">When given, receives the parameter count and each step's time per phase (bench train).</param>
    public static TrainingResult Train(IReadOnlyList<Product> products, IReadOnlyList<Impression> trainImpressions,
        TrainingOptions options, string modelDir, Action<TrainingProgress>? onProgress = null,
        CancellationToken ct = default, TrainingProfile? profile = null)
    {
        options.Validate();
        if (products.Count == 0) throw new InvalidInputException("the catalogue has no products");
        if (trainImpressions.Count == 0) throw new InvalidInputException("there are no training impressions");
        using var data = TrainingCache.FromRows(products, trainImpressions, FeaturizationConfig(options, modelDir));
        return Train(data, options, modelDir, onProgress, ct, profile);
    }

    /// <summary>
    /// The model configuration whose featurisation a training set for this run must have: the checkpoint's when the
    /// run resumes one, else the options' (the image dimension, which comes from the data, does not matter here).
    /// </summary>
    public static ModelConfig FeaturizationConfig(TrainingOptions options, string modelDir) =>
        (options.Resume ? CheckpointStore.TryRead(modelDir)?.Config : null) ?? options.BuildModelConfig(0);

    /// <summary>Trains on a prepared training set (<see cref="TrainingCache.Open"/>): memory does not grow with its impressions.</summary>
    /// <param name="profile">When given, receives the parameter count and each step's time per phase (bench train).</param>
    public static TrainingResult Train(TrainingSet data, TrainingOptions options, string modelDir, Action<TrainingProgress>? onProgress = null,
        CancellationToken ct = default, TrainingProfile? profile = null)
    {
        options.Validate();
        if (data.Header.ValidProducts == 0) throw new InvalidInputException("the catalogue has no products");
        if (data.Header.Data.TrainImpressions == 0) throw new InvalidInputException("there are no training impressions");
        TorchRuntime.Configure(options.Threads);

        var sampler = SamplerOrNull(data, options);
        if (sampler is null || sampler.Count < 2)
            throw new InvalidInputException(
                $"only {sampler?.Count ?? 0} usable training example(s) for the {options.Objective.Name} objective " +
                $"({data.Header.UnusableImpressions} impression(s) name products missing from the catalogue)");

        Directory.CreateDirectory(modelDir);
        var resumeFrom = options.Resume ? CheckpointStore.TryRead(modelDir) : null;
        ModelConfig config;
        ContextStatistics stats;
        if (resumeFrom is not null)
        {
            ResumeSettings.Check(resumeFrom, options, modelDir);
            DataIdentity.Check(resumeFrom, data.Data, modelDir);
            config = resumeFrom.Config;
            stats = resumeFrom.ContextStatistics;
        }
        else
        {
            config = options.BuildModelConfig(data.ImageDim);
            stats = data.ContextStatistics;
        }
        if (TrainingCache.FeaturizationOf(config) != data.Header.Featurization)
            throw new Que2EngageException(
                $"the training set at {data.Directory} was featurised for another tokenizer or length budget than this model's; open it with Trainer.FeaturizationConfig");

        TrainingMemory.Check(config, options.Objective);
        int batchSize = config.BatchSize;
        long examplesThisRun = 0;
        int totalSteps = options.Steps
            ?? (options.Epochs is int e ? (int)Math.Max(1, (long)e * sampler.Count / batchSize) : DefaultSteps);
        int warmup = options.WarmupSteps ?? Math.Min(50, totalSteps / 10);

        torch.manual_seed(options.Seed);
        using var model = new TwoTowerModel(config, stats);
        if (resumeFrom is null && options.Overrides.InitCheckpoint is string init)
            Modeling.Pretrained.PretrainedInit.LoadInto(model, init);
        // Parameter groups and their base rates (the engagement bias's faster rate, pretrained vs new parts): OptimizerGroups.
        var parameterGroups = OptimizerGroups.For(model);
        var groups = parameterGroups.Select(g => new Adam.ParamGroup(g.Parameters, new Adam.Options { LearningRate = g.LearningRate })).ToArray();
        // With dense gradients everywhere (SparseEmbeddingGradients off: plain Adam chosen) LazyAdam is plain Adam,
        // in fewer passes over memory than TorchSharp's Adam.step; the sparse tables' rows are updated lazily.
        using Adam optimizer = new LazyAdam(groups, config.LearningRate);
        if (profile is not null) profile.Parameters = model.parameters().Sum(p => p.numel());
        int step = 0;
        long position = 0;
        var lossCurve = new List<double>();
        if (resumeFrom is not null)
        {
            CheckpointStore.Restore(modelDir, resumeFrom, model, optimizer);
            step = resumeFrom.Step;
            position = resumeFrom.Position;
            lossCurve.AddRange(resumeFrom.LossCurve);
        }
        int lastCheckpoint = step;

        var products = data.Products(config, stats);
        // Each step's batch is drawn and read on a worker while the step before it runs (BatchPrefetcher).
        PreparedBatch Prepare(long at)
        {
            var examples = sampler.Batch(at, batchSize);
            return new PreparedBatch(at, examples,
                [.. examples.Select(x => data.Query(x.Query))], [.. examples.Select(x => products[x.Product])]);
        }
        using var prefetcher = new BatchPrefetcher(Prepare);

        using var metrics = new MetricsLog(modelDir, step);
        var clock = Stopwatch.StartNew();
        int stepsThisRun = 0;
        model.train();

        CheckpointState State() => new()
        {
            Step = step, Position = position, Seed = options.Seed, Objective = options.Objective, Config = config,
            ContextStatistics = stats, WeightsFile = "", OptimizerFile = "", LossCurve = [.. lossCurve],
            Settings = ResumeSettings.Of(options), Data = data.Data,
        };

        while (step < totalSteps)
        {
            ct.ThrowIfCancellationRequested();
            var stepClock = Stopwatch.StartNew();
            profile?.Start();
            int next = step + 1;
            double warm = warmup > 0 && next <= warmup ? (double)next / warmup : 1;
            double lr = config.LearningRate * warm;
            var optimizerGroups = optimizer.ParamGroups.ToList();
            for (int g = 0; g < optimizerGroups.Count; g++) optimizerGroups[g].LearningRate = parameterGroups[g].LearningRate * warm;
            profile?.End(TrainingPhase.Other);

            var prepared = prefetcher.Take(position, next < totalSteps ? position + batchSize : null);
            var batch = prepared.Examples;
            profile?.End(TrainingPhase.Data);
            double loss;
            double? lossRel = null, lossEng = null;
            using (var scope = NewDisposeScope())
            {
                torch.manual_seed(StepSeed(options.Seed, next));
                optimizer.zero_grad();
                profile?.End(TrainingPhase.Optimizer);
                var q = model.EncodeQueries(prepared.Queries);
                var (d, prior) = model.EncodeDocumentsWithPrior(prepared.Documents);
                var queryIds = batch.Select(x => x.Query).ToList();
                var productIds = batch.Select(x => x.Product).ToList();
                var sameQuery = ObjectiveBatch.CollisionMask(queryIds, queryIds);
                var sameProduct = ObjectiveBatch.CollisionMask(productIds, productIds);
                var exclude = sameQuery.logical_or(sameProduct).logical_and(eye(batch.Count, dtype: ScalarType.Bool).logical_not());
                var parts = options.Objective.Loss(new ObjectiveBatch(batch, model, options, q, d, prior, exclude, p => products[p]));
                var total = parts.Total;
                lossRel = parts.Relevance?.item<float>();
                lossEng = parts.Engagement?.item<float>();
                loss = total.item<float>();
                if (!double.IsFinite(loss))
                {
                    metrics.Flush();
                    throw new Que2EngageException(
                        $"training diverged at step {next}: loss is {loss}. " +
                        (lastCheckpoint > 0
                            ? $"The last good checkpoint (step {lastCheckpoint}) is kept in {CheckpointStore.DirectoryFor(modelDir)}; lower ModelConfigOverrides.LearningRate and run again with TrainingOptions.Resume."
                            : "No checkpoint was written yet; lower ModelConfigOverrides.LearningRate and run again."))
                    {
                        Settings = ["ModelConfigOverrides.LearningRate", "TrainingOptions.Resume"],
                    };
                }
                profile?.End(TrainingPhase.Forward);
                total.backward();
                profile?.End(TrainingPhase.Backward);
                optimizer.step();
                profile?.End(TrainingPhase.Optimizer);
            }
            profile?.End(TrainingPhase.Dispose);
            step = next;
            position += batchSize;
            stepsThisRun++;
            lossCurve.Add(loss);
            examplesThisRun += batch.Count;
            double eps = batch.Count / Math.Max(1e-9, stepClock.Elapsed.TotalSeconds);
            metrics.Write(new StepMetrics(step, loss, lossRel, lossEng, lr, eps));

            if (step % options.CheckpointEvery == 0 || step == totalSteps)
            {
                metrics.Flush();
                CheckpointStore.Save(modelDir, State(), model, optimizer);
                lastCheckpoint = step;
            }
            profile?.EndStep();
            var elapsed = clock.Elapsed;
            double runEps = examplesThisRun / Math.Max(1e-9, elapsed.TotalSeconds);
            var eta = TimeSpan.FromSeconds((totalSteps - step) * elapsed.TotalSeconds / stepsThisRun);
            onProgress?.Invoke(new TrainingProgress(step, totalSteps, loss, runEps, elapsed, eta));
        }

        metrics.Flush();
        if (lastCheckpoint != step) CheckpointStore.Save(modelDir, State(), model, optimizer);
        ModelStore.Save(model, modelDir, options.Loss.ToJson());
        var runTime = clock.Elapsed;
        double examplesPerSecond = stepsThisRun == 0 ? 0 : examplesThisRun / Math.Max(1e-9, runTime.TotalSeconds);
        return new TrainingResult(step, lossCurve.Count > 0 ? lossCurve[^1] : double.NaN, lossCurve, examplesPerSecond, runTime);
    }

    /// <summary>The objective's sampler, or null when a stream it needs is empty.</summary>
    private static IBatchSampler? SamplerOrNull(TrainingSet data, TrainingOptions options)
    {
        try { return options.Objective.Sampler(data, options); }
        catch (NoExamplesException) { return null; }
    }

    private static long StepSeed(int seed, int step) => unchecked((long)(SplitMix64.For(seed, step).Next() >> 1));
}
