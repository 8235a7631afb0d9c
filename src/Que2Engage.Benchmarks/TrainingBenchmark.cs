using Que2Engage.Common;
using System.Diagnostics;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;
using Que2Engage.Training;

namespace Que2Engage.Benchmarks;

/// <summary>Result of <see cref="TrainingBenchmark.Run"/>.</summary>
public sealed record TrainingBenchmarkResult(
    string Preset, int Threads, int BatchSize, int Steps, double MatmulGflops, double ExamplesPerSecond,
    double SecondsPerStep, double GflopPerStep, double AchievedGflops, long Parameters,
    IReadOnlyDictionary<TrainingPhase, double> PhaseSecondsPerStep, double CpuSecondsPerStep = 0)
{
    /// <summary>Achieved training GFLOP/s as a fraction of the machine's plain matmul GFLOP/s.</summary>
    public double Efficiency => MatmulGflops > 0 ? AchievedGflops / MatmulGflops : 0;
}

/// <summary>
/// Measures the machine's float32 matmul GFLOP/s (512×768 @ 768×768) and the trainer's examples/s on synthetic
/// data (random word titles/descriptions filling the token budget, images of dim 64, random engagement), then the
/// GFLOP/s the training step achieves, counting the model's matmul FLOPs analytically (forward ×3 for fwd+bwd).
/// </summary>
public static class TrainingBenchmark
{
    public const int SyntheticImageDim = 64;

    /// <summary>Fewest steps a benchmark can run: the first and the last are not timed.</summary>
    public const int MinSteps = 3;

    public static TrainingBenchmarkResult Run(TrainingOptions options, Action<string>? log = null)
    {
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        TorchRuntime.Configure(threads);
        log?.Invoke($"matmul 512×768 @ 768×768 on {threads} thread(s)…");
        double gflops = MatmulGflops();
        log?.Invoke($"  {gflops:F1} GFLOP/s");

        var (products, impressions) = SyntheticWorld(seed: options.Seed);
        int steps = options.Steps ?? 10;
        if (steps < MinSteps)
            throw new InvalidInputException($"--steps must be ≥ {MinSteps} (the first and the last step are not timed)");
        string dir = Path.Combine(Path.GetTempPath(), "q2e-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = options with { Steps = steps, CheckpointEvery = int.MaxValue, Resume = false, WarmupSteps = 0 };
            var config = run.BuildModelConfig(SyntheticImageDim);
            double flopPerStep = 3 * ForwardFlopsPerExample(config, run.Objective) * config.BatchSize;
            TimeSpan? afterFirst = null, end = null, cpuAfterFirst = null, cpuEnd = null;
            IReadOnlyDictionary<TrainingPhase, double>? phases = null;
            var profile = new TrainingProfile();
            log?.Invoke($"training {steps} steps of the {options.Preset} preset (batch {config.BatchSize})…");
            Trainer.Train(products, impressions, run, dir, p =>
            {
                // The first step pays one-off costs (allocator warm-up, featurisation cache) and the last writes the
                // run's final checkpoint (weights and Adam state: ~1.8 GB for the paper preset): time the steps between.
                if (p.Step == 1)
                {
                    afterFirst = p.Elapsed;
                    cpuAfterFirst = ProcessCpuTime();
                    profile.Reset();
                }
                if (p.Step == steps - 1)
                {
                    end = p.Elapsed;
                    cpuEnd = ProcessCpuTime();
                    phases = profile.Snapshot();
                }
                log?.Invoke($"  step {p.Step}/{p.TotalSteps} loss {p.Loss:F3} ({p.ExamplesPerSecond:F0} ex/s)");
            }, profile: profile);
            int timed = steps - 2;
            double perStep = (end!.Value - afterFirst!.Value).TotalSeconds / timed;
            return new TrainingBenchmarkResult(options.Preset, threads, config.BatchSize, steps, gflops,
                config.BatchSize / perStep, perStep, flopPerStep / 1e9, flopPerStep / 1e9 / perStep, profile.Parameters, phases!,
                (cpuEnd!.Value - cpuAfterFirst!.Value).TotalSeconds / timed);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// CPU time of this process (all threads). On a shared machine the wall time of a step depends on what else runs;
    /// its CPU time much less, so comparing two builds by CPU seconds per step is the steadier measure.
    /// </summary>
    private static TimeSpan ProcessCpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Median GFLOP/s of a 512×768 by 768×768 float32 matmul.</summary>
    public static double MatmulGflops(int repeats = 20)
    {
        using var scope = NewDisposeScope();
        var a = randn(512, 768);
        var b = randn(768, 768);
        for (int i = 0; i < 3; i++) matmul(a, b).Dispose();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            matmul(a, b).Dispose();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return 2.0 * 512 * 768 * 768 / times[times.Count / 2] / 1e9;
    }

    /// <summary>Matmul FLOPs (2 × multiply-adds) of one example's forward pass through both towers and the loss.</summary>
    public static double ForwardFlopsPerExample(ModelConfig c, ITrainingObjective objective)
    {
        double d = c.DModel;
        double Layer(double tokens) => tokens * (2 * (4 * d * d + 2 * d * c.Ffn) + 2 * 2 * tokens * d);
        double Mlp(double a, double b, double e) => 2 * (a * b + b * e);
        double query = c.QueryLayers * Layer(c.QueryMaxTokens) + Mlp(2 * d, d, c.Dim);
        double images = c.MaxImages * Mlp(Math.Max(1, c.ImageDim), d, d);
        double context = Mlp(ContextFeatures.Dimension, d, d);
        double doc = c.Kind == ModelKind.Que2Engage
            ? c.TextLayers * Layer(c.DocMaxTokens) + c.FusionLayers * Layer(c.DocMaxTokens + 3) + images + context + 2 * d * c.Dim
            : c.Que2SearchTextLayers * Layer(c.DocMaxTokens) + images + (c.ContextEncoder ? context : 0)
              + (c.ContextEncoder ? 4 : 3) * 2 * (d * d + d) + 2 * d * c.Dim;
        int docs = objective.DocumentsPerExample;
        double loss = 2.0 * docs * c.BatchSize * c.Dim; // this example's row of the B×B (or B×2B) logits
        return query + docs * doc + loss;
    }

    /// <summary>A random catalogue whose texts fill the token budget, and random sessions over it.</summary>
    public static (List<Product> Products, List<Impression> Impressions) SyntheticWorld(int products = 3000, int sessions = 3000, int seed = 1)
    {
        var rng = SplitMix64.For(seed, 0xBE7C);
        string Word()
        {
            int len = 3 + rng.NextInt(6);
            return new string(Enumerable.Range(0, len).Select(_ => (char)('a' + rng.NextInt(26))).ToArray());
        }
        var vocab = Enumerable.Range(0, 4000).Select(_ => Word()).ToArray();
        string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocab[rng.NextInt(vocab.Length)]));
        var catalogue = new List<Product>(products);
        for (int i = 0; i < products; i++)
        {
            int imageCount = rng.NextInt(5);
            catalogue.Add(new Product
            {
                ProductId = $"p{i}", Title = Text(6), Description = Text(40), Category = $"c{rng.NextInt(20)}",
                Price = 1 + rng.NextInt(1000), Condition = (Condition)rng.NextInt(5), SellerRating = rng.NextInt(6),
                SellerRatingCount = rng.NextInt(100), PhotoCount = imageCount, ListingAgeDays = rng.NextInt(60),
                DistanceKm = rng.NextInt(50),
                ImageEmbeddings = Enumerable.Range(0, imageCount)
                    .Select(_ => Enumerable.Range(0, SyntheticImageDim).Select(_ => (float)(rng.NextInt(2001) - 1000) / 1000f).ToArray())
                    .ToArray(),
            });
        }
        var shown = new List<Impression>(sessions * 10);
        for (int s = 0; s < sessions; s++)
        {
            string query = Text(1 + rng.NextInt(4));
            for (int pos = 1; pos <= 10; pos++)
                shown.Add(new Impression($"s{s}", query, $"p{rng.NextInt(products)}", pos, rng.NextInt(4) == 0));
        }
        return (catalogue, shown);
    }
}
