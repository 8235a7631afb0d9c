using Que2Engage.Common;
using System.Diagnostics;
using Que2Engage.Data;
using Que2Engage.Modeling;
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

    /// <param name="profile">When given, receives the parameter count and each step's time per phase (bench train).</param>
    public static TrainingResult Train(IReadOnlyList<Product> products, IReadOnlyList<Impression> trainImpressions,
        TrainingOptions options, string modelDir, Action<TrainingProgress>? onProgress = null,
        CancellationToken ct = default, TrainingProfile? profile = null)
    {
        options.Validate();
        if (products.Count == 0) throw new InvalidInputException("the catalogue has no products");
        if (trainImpressions.Count == 0) throw new InvalidInputException("there are no training impressions");
        TorchRuntime.Configure(options.Threads);

        var productsById = new Dictionary<string, Product>(StringComparer.Ordinal);
        foreach (var p in products) productsById.TryAdd(p.ProductId, p);
        // Impressions naming products missing from the catalogue are skipped (and counted in the error below).
        var usable = trainImpressions.Where(i => productsById.ContainsKey(i.ProductId) && i.Query is not null).ToList();
        var examples = options.Objective.Examples(usable, options.Seed);
        if (examples.Count < 2)
            throw new InvalidInputException(
                $"only {examples.Count} usable training example(s) for the {options.Objective.Name} objective " +
                $"({trainImpressions.Count - usable.Count} impression(s) name products missing from the catalogue)");

        Directory.CreateDirectory(modelDir);
        var resumeFrom = options.Resume ? CheckpointStore.TryRead(modelDir) : null;
        var data = DataIdentity.Of(products, trainImpressions);
        ModelConfig config;
        ContextStatistics stats;
        if (resumeFrom is not null)
        {
            ResumeSettings.Check(resumeFrom, options, modelDir);
            DataIdentity.Check(resumeFrom, data, modelDir);
            config = resumeFrom.Config;
            stats = resumeFrom.ContextStatistics;
        }
        else
        {
            config = options.BuildModelConfig(ImageDimension(products));
            stats = ContextStatistics.FromCatalogue(products);
        }

        TrainingMemory.Check(config, options.Objective);
        int batchSize = config.BatchSize;
        long examplesThisRun = 0;
        int totalSteps = options.Steps
            ?? (options.Epochs is int e ? (int)Math.Max(1, (long)e * examples.Count / batchSize) : DefaultSteps);
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

        var sampler = options.Objective.Sampler(examples, options);
        var productFeatures = new Dictionary<string, ProductFeatures>(StringComparer.Ordinal);
        var queryFeatures = new Dictionary<string, QueryFeatures>(StringComparer.Ordinal);
        ProductFeatures Doc(string id) =>
            productFeatures.TryGetValue(id, out var f) ? f : productFeatures[id] = model.Featurizer.Product(productsById[id]);
        QueryFeatures Query(string q) =>
            queryFeatures.TryGetValue(q, out var f) ? f : queryFeatures[q] = model.Featurizer.Query(q);

        using var metrics = new MetricsLog(modelDir, step);
        var clock = Stopwatch.StartNew();
        int stepsThisRun = 0;
        model.train();

        CheckpointState State() => new()
        {
            Step = step, Position = position, Seed = options.Seed, Objective = options.Objective, Config = config,
            ContextStatistics = stats, WeightsFile = "", OptimizerFile = "", LossCurve = [.. lossCurve],
            Settings = ResumeSettings.Of(options), Data = data,
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

            var batch = sampler.Batch(position, batchSize);
            profile?.End(TrainingPhase.Data);
            double loss;
            double? lossRel = null, lossEng = null;
            using (var scope = NewDisposeScope())
            {
                torch.manual_seed(StepSeed(options.Seed, next));
                optimizer.zero_grad();
                profile?.End(TrainingPhase.Optimizer);
                var queryBatch = batch.Select(x => Query(x.Query)).ToList();
                var docBatch = batch.Select(x => Doc(x.ProductId)).ToList();
                profile?.End(TrainingPhase.Data);
                var q = model.EncodeQueries(queryBatch);
                var (d, prior) = model.EncodeDocumentsWithPrior(docBatch);
                var sameQuery = ObjectiveBatch.CollisionMask(batch.Select(x => x.Query).ToList(), batch.Select(x => x.Query).ToList());
                var sameProduct = ObjectiveBatch.CollisionMask(batch.Select(x => x.ProductId).ToList(), batch.Select(x => x.ProductId).ToList());
                var exclude = sameQuery.logical_or(sameProduct).logical_and(eye(batch.Count, dtype: ScalarType.Bool).logical_not());
                var parts = options.Objective.Loss(new ObjectiveBatch(batch, model, options, q, d, prior, exclude, Doc));
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

    /// <summary>The image-embedding dimension of the catalogue (0 when no product has an image).</summary>
    public static int ImageDimension(IReadOnlyList<Product> products)
    {
        foreach (var p in products)
            foreach (var v in p.ImageEmbeddings ?? [])
                if (v is { Length: > 0 }) return v.Length;
        return 0;
    }

    private static long StepSeed(int seed, int step) => unchecked((long)(SplitMix64.For(seed, step).Next() >> 1));
}
