using System.CommandLine;
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
            var script = TorchPeerBenchmark.CheckPeer(options, p.GetValue(pairs), p.GetValue(python)!, AppContext.BaseDirectory, Directory.GetCurrentDirectory());
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
        output.WriteLine($"per step:                    {Phases(TorchPeerBenchmark.Phases(r))}");
    }

    private static string Phases(IReadOnlyDictionary<string, double> phases) =>
        string.Join(", ", phases.Select(kv => $"{kv.Key} {kv.Value * 1000:F0} ms"));

    /// <summary>"Multitask" for multitask: the objective as the summary line has always shown it.</summary>
    private static string Title(ITrainingObjective objective) => char.ToUpperInvariant(objective.Name[0]) + objective.Name[1..];

    private static int Compare(TextWriter output, TrainingOptions options, int pairs, string python, string script)
    {
        var c = TorchPeerBenchmark.Compare(options, pairs, python, script, output.WriteLine);
        var (ours, theirs, ratios) = (c.Ours, c.Theirs, c.Ratios);
        var first = ours[0];
        output.WriteLine();
        output.WriteLine($"preset {first.Preset}, {options.Model}/{Title(options.Objective)}, batch {first.BatchSize}, {first.Threads} thread(s), {first.Steps} steps ({first.Steps - 2} timed)");
        output.WriteLine($"parameters: que2engage {first.Parameters:N0}, PyTorch {theirs[0].Parameters:N0}");
        output.WriteLine("pair  que2engage ex/s  PyTorch ex/s  ratio   matmul GFLOP/s (ours, PyTorch)");
        for (int i = 0; i < pairs; i++)
            output.WriteLine($"{i + 1,4}  {ours[i].ExamplesPerSecond,15:F1}  {theirs[i].ExamplesPerSecond,12:F1}  {ratios[i],5:F2}×  {ours[i].MatmulGflops,6:F1}, {theirs[i].MatmulGflops:F1}");
        output.WriteLine($"median ratio: {c.MedianRatio:F2}× (que2engage examples/s ÷ PyTorch examples/s)");
        if (c.CpuRatios.Count > 0)
        {
            output.WriteLine("pair  que2engage CPU s/step  PyTorch CPU s/step  ratio (PyTorch ÷ que2engage)");
            for (int i = 0; i < pairs; i++)
                output.WriteLine($"{i + 1,4}  {ours[i].CpuSecondsPerStep,21:F3}  {theirs[i].CpuSecondsPerStep,18:F3}  {theirs[i].CpuSecondsPerStep / ours[i].CpuSecondsPerStep,5:F2}×");
            output.WriteLine($"median CPU-time ratio: {c.MedianCpuRatio:F2}× (examples per CPU-second, que2engage ÷ PyTorch)");
        }
        output.WriteLine("median per step:");
        output.WriteLine($"  que2engage: {Phases(c.OurMedianPhases)}");
        output.WriteLine($"  PyTorch:    {Phases(c.TheirMedianPhases)}");
        c.CheckSameModel();
        return 0;
    }
}
