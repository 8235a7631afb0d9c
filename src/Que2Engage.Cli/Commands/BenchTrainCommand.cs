using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Benchmarks;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench train --preset small|paper [--steps N] [--threads N] [--model …] [--objective …]</c>: machine matmul
/// GFLOP/s vs the training step's examples/s and achieved GFLOP/s, on synthetic data (needs no data directory),
/// the model's parameter count and the step's time per phase. With <c>--peer torch [--pairs N]</c> it runs the
/// PyTorch reference (<c>bench/torch_reference.py</c>: the same model, loss, optimizer and synthetic data) right after
/// each run, with the same sizes, threads and steps, and prints each pair's examples/s and ratio and the median ratio.
/// </summary>
public static class BenchTrainCommand
{
    /// <summary>Where the PyTorch reference lives, relative to the repository root.</summary>
    public const string PeerScript = "bench/torch_reference.py";

    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps to run (the first and the last are not timed).", DefaultValueFactory = _ => 10 };
        // The training knobs bench train takes, as train declares them (TrainingKnobs), in the order --help shows them.
        var knobs = new List<KnobOptions.Bound>
        {
            KnobOptions.Create(TrainingKnobs.Preset), KnobOptions.Create(TrainingKnobs.Threads), KnobOptions.Create(TrainingKnobs.Model),
            KnobOptions.Create(TrainingKnobs.Objective, $"{string.Join(", ", TrainingObjectives.Names)} (default: the model's)."),
            KnobOptions.Create(TrainingKnobs.BatchSize), KnobOptions.Create(TrainingKnobs.LazyAdam),
        };
        var peer = CliOptions.Choice<string?>("--peer", "Also run this reference back to back with the same sizes: torch (bench/torch_reference.py).",
            [("torch", "torch")], null);
        var pairs = new Option<int>("--pairs") { Description = "With --peer: back-to-back pairs to run (the median ratio is reported).", DefaultValueFactory = _ => 3 };
        var python = new Option<string>("--python") { Description = "With --peer torch: the Python that has torch (Debian's python3-torch).", DefaultValueFactory = _ => "/usr/bin/python3" };

        var c = new Command("train", "Measure matmul GFLOP/s and training examples/s and GFLOP/s on synthetic batches.")
        {
            knobs[0].Option, steps, knobs[1].Option, knobs[2].Option, knobs[3].Option, knobs[4].Option, peer, pairs, python, knobs[5].Option,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var output = p.InvocationConfiguration.Output;
            var options = KnobOptions.Bind(knobs, p, new TrainingOptions()) with { Steps = p.GetValue(steps) };
            if (options.Steps < TrainingBenchmark.MinSteps)
                throw new InvalidInputException($"--steps must be ≥ {TrainingBenchmark.MinSteps} (the first and the last step are not timed)");
            if (p.GetValue(peer) is null)
            {
                Print(output, TrainingBenchmark.Run(options, output.WriteLine), options);
                return 0;
            }
            var script = CheckPeer(options, p.GetValue(pairs), p.GetValue(python)!, AppContext.BaseDirectory, Directory.GetCurrentDirectory());
            return Compare(output, options, p.GetValue(pairs), p.GetValue(python)!, script);
        }));
        return c;
    }

    private static void Print(TextWriter output, TrainingBenchmarkResult r, TrainingOptions options)
    {
        output.WriteLine();
        output.WriteLine($"preset {r.Preset}, {options.Model}/{Title(options.Objective)}, batch {r.BatchSize}, {r.Threads} thread(s), {r.Steps} steps");
        output.WriteLine($"parameters:                  {r.Parameters,12:N0}");
        output.WriteLine($"matmul (512×768 @ 768×768):  {r.MatmulGflops,8:F1} GFLOP/s");
        output.WriteLine($"training step:               {r.SecondsPerStep,8:F3} s   {r.ExamplesPerSecond,8:F1} examples/s");
        output.WriteLine($"CPU time per step:           {r.CpuSecondsPerStep,8:F3} s   (all threads; steadier than wall time on a shared machine)");
        output.WriteLine($"model matmul FLOPs per step: {r.GflopPerStep,8:F1} GFLOP (forward ×3)");
        output.WriteLine($"achieved:                    {r.AchievedGflops,8:F1} GFLOP/s = {r.Efficiency:P0} of matmul peak");
        output.WriteLine($"per step:                    {Phases(r.PhaseSecondsPerStep.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value))}");
    }

    private static string Phases(IReadOnlyDictionary<string, double> phases) =>
        string.Join(", ", phases.Select(kv => $"{kv.Key} {kv.Value * 1000:F0} ms"));

    /// <summary>"Multitask" for multitask: the objective as the summary line has always shown it.</summary>
    private static string Title(ITrainingObjective objective) => char.ToUpperInvariant(objective.Name[0]) + objective.Name[1..];

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

    private static int Compare(TextWriter output, TrainingOptions options, int pairs, string python, string script)
    {
        var ratios = new List<double>();
        var ours = new List<TrainingBenchmarkResult>();
        var theirs = new List<PeerResult>();
        for (int i = 1; i <= pairs; i++)
        {
            output.WriteLine($"pair {i}/{pairs}: que2engage (TorchSharp)…");
            var r = TrainingBenchmark.Run(options, line => { if (!line.StartsWith("  step", StringComparison.Ordinal)) output.WriteLine(line); });
            output.WriteLine($"  {r.ExamplesPerSecond:F1} examples/s");
            output.WriteLine($"pair {i}/{pairs}: PyTorch reference…");
            var t = RunPeer(python, script, options, r);
            output.WriteLine($"  {t.ExamplesPerSecond:F1} examples/s");
            ours.Add(r);
            theirs.Add(t);
            ratios.Add(r.ExamplesPerSecond / t.ExamplesPerSecond);
        }

        var first = ours[0];
        output.WriteLine();
        output.WriteLine($"preset {first.Preset}, {options.Model}/{Title(options.Objective)}, batch {first.BatchSize}, {first.Threads} thread(s), {first.Steps} steps ({first.Steps - 2} timed)");
        output.WriteLine($"parameters: que2engage {first.Parameters:N0}, PyTorch {theirs[0].Parameters:N0}");
        output.WriteLine("pair  que2engage ex/s  PyTorch ex/s  ratio   matmul GFLOP/s (ours, PyTorch)");
        for (int i = 0; i < pairs; i++)
            output.WriteLine($"{i + 1,4}  {ours[i].ExamplesPerSecond,15:F1}  {theirs[i].ExamplesPerSecond,12:F1}  {ratios[i],5:F2}×  {ours[i].MatmulGflops,6:F1}, {theirs[i].MatmulGflops:F1}");
        output.WriteLine($"median ratio: {Median(ratios):F2}× (que2engage examples/s ÷ PyTorch examples/s)");
        // On a machine other jobs share, wall time measures them too; CPU time per step much less so.
        var cpuRatios = Enumerable.Range(0, pairs).Where(i => ours[i].CpuSecondsPerStep > 0 && theirs[i].CpuSecondsPerStep > 0)
            .Select(i => theirs[i].CpuSecondsPerStep / ours[i].CpuSecondsPerStep).ToList();
        if (cpuRatios.Count > 0)
        {
            output.WriteLine("pair  que2engage CPU s/step  PyTorch CPU s/step  ratio (PyTorch ÷ que2engage)");
            for (int i = 0; i < pairs; i++)
                output.WriteLine($"{i + 1,4}  {ours[i].CpuSecondsPerStep,21:F3}  {theirs[i].CpuSecondsPerStep,18:F3}  {theirs[i].CpuSecondsPerStep / ours[i].CpuSecondsPerStep,5:F2}×");
            output.WriteLine($"median CPU-time ratio: {Median(cpuRatios):F2}× (examples per CPU-second, que2engage ÷ PyTorch)");
        }
        output.WriteLine("median per step:");
        output.WriteLine($"  que2engage: {Phases(MedianPhases(ours.Select(r => r.PhaseSecondsPerStep.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value)).ToList()))}");
        output.WriteLine($"  PyTorch:    {Phases(MedianPhases(theirs.Select(t => t.Phases).ToList()))}");
        if (first.Parameters != theirs[0].Parameters)
            throw new Que2EngageException(
                $"the models differ: que2engage has {first.Parameters:N0} parameters, the PyTorch reference {theirs[0].Parameters:N0}");
        return 0;
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

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static IReadOnlyDictionary<string, double> MedianPhases(IReadOnlyList<IReadOnlyDictionary<string, double>> runs) =>
        runs[0].Keys.ToDictionary(k => k, k => Median(runs.Select(r => r.TryGetValue(k, out var v) ? v : 0).ToList()));
}
