using System.CommandLine;
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
        var seeds = new Option<int>("--seeds") { Description = "Seeds per row (1..N).", DefaultValueFactory = _ => 3 }
            .Check(n => n >= 1, n => $"--seeds must be at least 1 (got {n}).");
        var steps = CliOptions.Steps($"Training steps per cell (default {Trainer.DefaultSteps}).");
        var preset = CliOptions.Preset();
        var threads = CliOptions.Threads();
        var rows = CliOptions.List("--rows", "Comma-separated rows to run: 1–7 the paper's Table 1, 8 the recommended Que2Engage (default all).",
            CliOptions.Integer(1, ModelVariant.AblationRows.Count), $"a row number between 1 and {ModelVariant.AblationRows.Count}");
        var lambdas = CliOptions.List("--lambdas", "λ1 values for the relevance–engagement trade-off sweep, e.g. 0.2,0.5,0.8,0.95,1.0 (λ2 = 1 − λ1).",
            CliOptions.Number(0, 1), "a number between 0 and 1");
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
            string dataDir = p.GetValue(data)!;
            var dataset = MarketplaceDataset.Load(dataDir);
            IGroundTruth? truth = World.LoadIfPresent(dataDir);
            var options = new AblationOptions
            {
                OutputDirectory = p.GetValue(output)!,
                Seeds = Enumerable.Range(1, nSeeds).ToList(),
                RunKnobs = new TrainingOptions { Steps = p.GetValue(steps), Preset = p.GetValue(preset)!, Threads = p.GetValue(threads) },
                Rows = SelectRows(p.GetValue(rows) ?? []),
                Lambdas = p.GetValue(lambdas) ?? [],
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

    /// <summary>The ablation rows numbered 1..N (each once, in the order first given); none = every row.</summary>
    public static IReadOnlyList<ModelVariant> SelectRows(IReadOnlyList<int> numbers) =>
        numbers.Count == 0 ? ModelVariant.AblationRows : numbers.Distinct().Select(n => ModelVariant.AblationRows[n - 1]).ToList();
}
