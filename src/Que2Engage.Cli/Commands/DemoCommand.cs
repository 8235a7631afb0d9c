using System.CommandLine;
using Que2Engage.Experiments;
using Que2Engage.Simulation;
using Que2Engage.Training;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

/// <summary><c>demo</c>: the whole journey on the built-in simulated marketplace (DESIGN §1).</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var work = new Option<string>("--out") { Description = "Working folder (data/, models/, results/, report/). Re-running reuses what is there.", DefaultValueFactory = _ => Path.Combine("runs", "demo") };
        var steps = CliOptions.Steps($"Training steps per model (default {Trainer.DefaultSteps}).");
        var seed = new Option<int>("--seed") { Description = "Training seed.", DefaultValueFactory = _ => 1 };
        var defaults = new WorldSettings();
        var worldSeed = new Option<ulong>("--world-seed") { Description = "Seed of the simulated marketplace.", DefaultValueFactory = _ => defaults.Seed };
        var products = new Option<int>("--products") { Description = "Products of the simulated marketplace (when the working folder has none yet).", DefaultValueFactory = _ => defaults.Products };
        var queries = new Option<int>("--queries") { Description = "Distinct queries of the simulated marketplace.", DefaultValueFactory = _ => defaults.Queries };
        var sessions = new Option<int>("--sessions") { Description = "Search sessions of the simulated marketplace.", DefaultValueFactory = _ => defaults.Sessions };
        var threads = CliOptions.Threads();
        var c = new Command("demo", "One command: generate the simulated marketplace, train Que2Search and Que2Engage, evaluate both, write a report with plots.")
        {
            work, steps, seed, worldSeed, products, queries, sessions, threads,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            var world = new WorldSettings
            {
                Seed = p.GetValue(worldSeed), Products = p.GetValue(products), Queries = p.GetValue(queries), Sessions = p.GetValue(sessions),
            };
            world.Validate();
            var options = new DemoOptions
            {
                WorkDirectory = p.GetValue(work)!,
                World = world,
                RunKnobs = new TrainingOptions { Steps = p.GetValue(steps), Seed = p.GetValue(seed), Threads = p.GetValue(threads) },
            };
            var report = SpectreExperimentProgress.Run(progress => DemoWorkflow.Run(options, progress));
            o.WriteLine();
            o.WriteLine("Que2Search vs Que2Engage (held-out data of the simulated marketplace; oracle rows: the world's true relevance / engagement as the score):");
            var table = new Table().AddColumn("metric");
            foreach (var name in new[] { "Que2Search", "Que2Engage (recommended)", "Que2Engage (paper's recipe)", "oracle relevance", "oracle engagement", "paper" })
                table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
            foreach (string key in Evaluation.EvaluationResult.MetricKeys)
            {
                // The paper's number for the full model: its Table 1 value, or its online A/B change.
                string paper = Evaluation.PaperReference.Show(Evaluation.PaperReference.OnlineAbDelta(key)
                    ?? Evaluation.PaperReference.Table1(Experiments.ModelVariant.Que2EngageFull.Name, key));
                table.AddRow(Markup.Escape(Evaluation.MetricNames.Display(key)),
                    Evaluation.MetricNames.Value(report.Que2Search.Metric(key)), Evaluation.MetricNames.Value(report.Que2Engage.Metric(key)),
                    Evaluation.MetricNames.Value(report.PaperQue2Engage.Metric(key)),
                    Evaluation.MetricNames.Value(report.Oracles[Evaluation.OracleKind.Relevance].Metric(key)),
                    Evaluation.MetricNames.Value(report.Oracles[Evaluation.OracleKind.Engagement].Metric(key)), Markup.Escape(paper));
            }
            AnsiConsole.Write(table);
            foreach (var check in report.Checks)
                AnsiConsole.MarkupLine($"{(check.Holds ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(check.Claim)}: {Markup.Escape(check.Measured)}");
            o.WriteLine($"report: {Path.GetFullPath(report.ReportPath)}");
            return 0;
        }));
        return c;
    }
}
