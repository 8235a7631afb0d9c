using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Benchmarks;

/// <summary>
/// <c>bench train --peer torch</c>: our training step and the PyTorch reference (<see cref="PeerScript"/>: the same
/// model, loss, optimizer and synthetic data) run back to back in pairs with the same sizes, threads and steps.
/// </summary>
public static class TorchPeerBenchmark
{
    /// <summary>Where the PyTorch reference lives, relative to the repository root.</summary>
    public const string PeerScript = "bench/torch_reference.py";

    /// <summary>
    /// Checks a <c>--peer torch</c> request before anything runs; returns the reference script's path (found under the
    /// working directory or above the CLI's binaries, i.e. in the repository it was built from).
    /// </summary>
    public static string CheckPeer(TrainingOptions options, int pairs, string python, string baseDirectory, string workingDirectory)
    {
        if (pairs < 1) throw new InvalidInputException($"--pairs must be ≥ 1 (got {pairs})");
        if (options.Objective == TrainingObjectives.Mixed)
            throw new InvalidInputException("--peer torch supports the contrastive and multitask objectives (not mixed)");
        if (!File.Exists(python))
            throw new InvalidInputException(
                $"--python '{python}' does not exist: install Debian's PyTorch (apt-get install -y python3-torch) or pass --python");
        foreach (var start in new[] { workingDirectory, baseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, PeerScript);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new InvalidInputException($"{PeerScript} was not found above '{workingDirectory}': run from the repository");
    }

    /// <summary>The PyTorch reference's <c>RESULT {json}</c> line: examples/s, parameters and seconds per phase.</summary>
    /// <param name="CpuSecondsPerStep">CPU time of all the reference's threads per timed step (0 when it did not report it).</param>
    public sealed record PeerResult(double ExamplesPerSecond, long Parameters, double MatmulGflops, IReadOnlyDictionary<string, double> Phases,
        double CpuSecondsPerStep = 0);

    /// <summary>Parses the reference's output (its last <c>RESULT {json}</c> line).</summary>
    public static PeerResult ParsePeerResult(string stdout)
    {
        string? line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (line is null) throw new Que2EngageException("the PyTorch reference printed no RESULT line");
        try
        {
            using var json = JsonDocument.Parse(line["RESULT ".Length..]);
            var root = json.RootElement;
            var phases = root.GetProperty("phases").EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetDouble());
            return new PeerResult(root.GetProperty("examples_per_second").GetDouble(), root.GetProperty("parameters").GetInt64(),
                root.GetProperty("matmul_gflops").GetDouble(), phases,
                root.TryGetProperty("cpu_seconds_per_step", out var cpu) ? cpu.GetDouble() : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new Que2EngageException($"the PyTorch reference's RESULT line is malformed: {e.Message}");
        }
    }

    /// <summary>
    /// Runs <paramref name="pairs"/> back-to-back pairs (ours, then the reference), saying on <paramref name="log"/> what
    /// runs and each run's examples/s.
    /// </summary>
    public static TorchPeerComparison Compare(TrainingOptions options, int pairs, string python, string script, Action<string> log)
    {
        var ours = new List<TrainingBenchmarkResult>();
        var theirs = new List<PeerResult>();
        for (int i = 1; i <= pairs; i++)
        {
            log($"pair {i}/{pairs}: que2engage (TorchSharp)…");
            var r = TrainingBenchmark.Run(options, line => { if (!line.StartsWith("  step", StringComparison.Ordinal)) log(line); });
            log($"  {r.ExamplesPerSecond:F1} examples/s");
            log($"pair {i}/{pairs}: PyTorch reference…");
            var t = RunPeer(python, script, options, r);
            log($"  {t.ExamplesPerSecond:F1} examples/s");
            ours.Add(r);
            theirs.Add(t);
        }
        return new TorchPeerComparison(ours, theirs);
    }

    private static PeerResult RunPeer(string python, string script, TrainingOptions options, TrainingBenchmarkResult ours)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     script, "--preset", options.Preset, "--model", options.Model.ToString().ToLowerInvariant(),
                     "--objective", options.Objective.Name,
                     "--batch", ours.BatchSize.ToString(CultureInfo.InvariantCulture),
                     "--steps", ours.Steps.ToString(CultureInfo.InvariantCulture),
                     "--threads", ours.Threads.ToString(CultureInfo.InvariantCulture),
                     "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
                     // The same optimizer maths on both sides: lazy Adam ↔ sparse tables + torch.optim.SparseAdam.
                     "--optimizer", (options.Overrides.LazyAdam ?? ModelConfig.Preset(options.Preset).SparseEmbeddingGradients) ? "lazy-adam" : "adam",
                 })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new Que2EngageException($"could not start {python}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            string last = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            throw new Que2EngageException($"the PyTorch reference failed (exit {process.ExitCode}): {last}");
        }
        return ParsePeerResult(stdout);
    }

    /// <summary>Our phases by the reference's names ("data", "forward", …): lower-case <see cref="TrainingPhase"/> names.</summary>
    public static IReadOnlyDictionary<string, double> Phases(TrainingBenchmarkResult r) =>
        r.PhaseSecondsPerStep.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value);

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    internal static IReadOnlyDictionary<string, double> MedianPhases(IReadOnlyList<IReadOnlyDictionary<string, double>> runs) =>
        runs[0].Keys.ToDictionary(k => k, k => Median(runs.Select(r => r.TryGetValue(k, out var v) ? v : 0).ToList()));
}

/// <summary>What the back-to-back pairs of <see cref="TorchPeerBenchmark.Compare"/> measured, with their ratios and medians.</summary>
public sealed record TorchPeerComparison(IReadOnlyList<TrainingBenchmarkResult> Ours, IReadOnlyList<TorchPeerBenchmark.PeerResult> Theirs)
{
    /// <summary>Per pair: our examples/s ÷ the reference's.</summary>
    public IReadOnlyList<double> Ratios => Ours.Zip(Theirs, (r, t) => r.ExamplesPerSecond / t.ExamplesPerSecond).ToList();

    public double MedianRatio => TorchPeerBenchmark.Median(Ratios);

    /// <summary>
    /// Per pair where both sides reported CPU time: the reference's CPU seconds per step ÷ ours (on a machine other jobs
    /// share, wall time measures them too; CPU time much less so). Empty when neither did.
    /// </summary>
    public IReadOnlyList<double> CpuRatios => Enumerable.Range(0, Ours.Count)
        .Where(i => Ours[i].CpuSecondsPerStep > 0 && Theirs[i].CpuSecondsPerStep > 0)
        .Select(i => Theirs[i].CpuSecondsPerStep / Ours[i].CpuSecondsPerStep).ToList();

    public double MedianCpuRatio => TorchPeerBenchmark.Median(CpuRatios);

    public IReadOnlyDictionary<string, double> OurMedianPhases => TorchPeerBenchmark.MedianPhases(Ours.Select(TorchPeerBenchmark.Phases).ToList());

    public IReadOnlyDictionary<string, double> TheirMedianPhases => TorchPeerBenchmark.MedianPhases(Theirs.Select(t => t.Phases).ToList());

    /// <summary>Throws when the two sides did not build the same model (their parameter counts differ).</summary>
    public void CheckSameModel()
    {
        if (Ours[0].Parameters != Theirs[0].Parameters)
            throw new Que2EngageException(
                $"the models differ: que2engage has {Ours[0].Parameters:N0} parameters, the PyTorch reference {Theirs[0].Parameters:N0}");
    }
}
