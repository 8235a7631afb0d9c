using System.CommandLine;
using System.Globalization;
using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Experiments;
using Que2Engage.Simulation;
using Que2Engage.Training;

namespace Que2Engage.Cli.Commands;

/// <summary><c>ablation --data DIR --out OUT [--seeds 3] [--steps N] [--lambdas 0.2,0.5,...]</c>: the paper's Table 1.</summary>
public static class AblationCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory (generated or imported).", Required = true };
        var output = new Option<string>("--out") { Description = "Output directory: ablation.md, ablation.json, plots/, models/, cells/.", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per row (1..N).", DefaultValueFactory = _ => 3 };
        var steps = CliOptions.Steps($"Training steps per cell (default {Trainer.DefaultSteps}).");
        var preset = CliOptions.Preset();
        var threads = CliOptions.Threads();
        var rows = new Option<string?>("--rows") { Description = "Comma-separated rows to run: 1–7 the paper's Table 1, 8 the recommended Que2Engage (default all)." };
        var lambdas = new Option<string?>("--lambdas") { Description = "λ1 values for the relevance–engagement trade-off sweep, e.g. 0.2,0.5,0.8,0.95,1.0 (λ2 = 1 − λ1)." };
        var maxQueries = new Option<int>("--max-queries") { Description = "Cap on held-out queries for retrieval metrics.", DefaultValueFactory = _ => 1000 };
        var baseline = new Option<string[]>("--baseline") { Description = "Add a frozen encoder as a row, evaluated with no training: pretrained-minilm (all-MiniLM-L6-v2). Repeatable.", AllowMultipleArgumentsPerToken = true };
        var c = new Command("ablation", "Reproduce the paper's Table 1 (seven rows × seeds, mean ± std) and optionally a λ trade-off sweep. Resumable: finished cells are skipped.")
        {
            data, output, seeds, steps, preset, threads, rows, lambdas, maxQueries, baseline,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            int nSeeds = p.GetValue(seeds);
            if (nSeeds < 1) throw new InvalidInputException("--seeds must be at least 1");
            string dataDir = p.GetValue(data)!;
            var dataset = MarketplaceDataset.Load(dataDir);
            string worldPath = Path.Combine(dataDir, "world.json");
            IGroundTruth? truth = File.Exists(worldPath) ? World.Load(worldPath) : null;
            var options = new AblationOptions
            {
                OutputDirectory = p.GetValue(output)!,
                Seeds = Enumerable.Range(1, nSeeds).ToList(),
                RunKnobs = new TrainingOptions { Steps = p.GetValue(steps), Preset = p.GetValue(preset)!, Threads = p.GetValue(threads) },
                Rows = SelectRows(p.GetValue(rows)),
                Lambdas = ParseLambdas(p.GetValue(lambdas)),
                Evaluation = new EvaluationOptions { MaxQueries = p.GetValue(maxQueries), EngagementWeights = DemoWorkflow.ServingWeights },
                Baselines = p.GetValue(baseline) ?? [],
            };
            var report = SpectreExperimentProgress.Run(progress => AblationRunner.Run(dataset, truth, options, progress));
            o.WriteLine(AblationTable.ToMarkdown(report.Rows));
            o.WriteLine("written:");
            foreach (var f in report.Files) o.WriteLine($"  {f}");
            return 0;
        }));
        return c;
    }

    public static IReadOnlyList<ModelVariant> SelectRows(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return ModelVariant.AblationRows;
        var list = new List<ModelVariant>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out int n) || n < 1 || n > ModelVariant.AblationRows.Count)
                throw new InvalidInputException($"--rows: '{part}' is not a row number between 1 and {ModelVariant.AblationRows.Count}");
            list.Add(ModelVariant.AblationRows[n - 1]);
        }
        return list.Distinct().ToList();
    }

    public static IReadOnlyList<double> ParseLambdas(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return [];
        var list = new List<double>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0 || v > 1)
                throw new InvalidInputException($"--lambdas: '{part}' is not a number between 0 and 1");
            list.Add(v);
        }
        return list;
    }
}
