using System.CommandLine;
using Que2Engage.Modeling;
using Que2Engage.Training;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench train --preset small|paper [--steps N] [--threads N] [--model …] [--objective …]</c>: machine matmul
/// GFLOP/s vs the training step's examples/s and achieved GFLOP/s, on synthetic data (needs no data directory).
/// </summary>
public static class BenchTrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Model preset: small or paper.", DefaultValueFactory = _ => "small" };
        preset.AcceptOnlyFromAmong([.. ModelConfig.PresetNames]);
        var steps = new Option<int>("--steps") { Description = "Training steps to time (the first is excluded).", DefaultValueFactory = _ => 10 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var model = new Option<string>("--model") { Description = "que2engage or que2search.", DefaultValueFactory = _ => "que2engage" };
        model.AcceptOnlyFromAmong("que2engage", "que2search");
        var objective = new Option<string?>("--objective") { Description = "contrastive, mixed or multitask (default: the model's)." };
        objective.AcceptOnlyFromAmong("contrastive", "mixed", "multitask");
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)." };

        var c = new Command("train", "Measure matmul GFLOP/s and training examples/s and GFLOP/s on synthetic batches.")
        {
            preset, steps, threads, model, objective, batch,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var output = p.InvocationConfiguration.Output;
            var kind = TrainCommand.ParseModel(p.GetValue(model)!);
            var options = new TrainingOptions
            {
                Model = kind,
                Objective = TrainCommand.ParseObjective(p.GetValue(objective), kind),
                Preset = p.GetValue(preset)!,
                Steps = p.GetValue(steps),
                Threads = p.GetValue(threads),
                BatchSize = p.GetValue(batch),
            };
            if (options.Steps < 2) throw new InvalidInputException("--steps must be ≥ 2 (the first step is not timed)");
            var r = TrainingBenchmark.Run(options, output.WriteLine);
            output.WriteLine();
            output.WriteLine($"preset {r.Preset}, {kind}/{options.Objective}, batch {r.BatchSize}, {r.Threads} thread(s), {r.Steps} steps");
            output.WriteLine($"matmul (512×768 @ 768×768):  {r.MatmulGflops,8:F1} GFLOP/s");
            output.WriteLine($"training step:               {r.SecondsPerStep,8:F3} s   {r.ExamplesPerSecond,8:F1} examples/s");
            output.WriteLine($"model matmul FLOPs per step: {r.GflopPerStep,8:F1} GFLOP (forward ×3)");
            output.WriteLine($"achieved:                    {r.AchievedGflops,8:F1} GFLOP/s = {r.Efficiency:P0} of matmul peak");
            return 0;
        }));
        return c;
    }
}
