using System.CommandLine;
using Que2Engage.Common;
using Que2Engage.Simulation;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

public static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new WorldSettings();
        var outDir = new Option<string>("--out") { Description = "Output data directory.", Required = true };
        var products = new Option<int>("--products") { Description = "Number of products.", DefaultValueFactory = _ => defaults.Products };
        var queries = new Option<int>("--queries") { Description = "Number of distinct queries.", DefaultValueFactory = _ => defaults.Queries };
        var sessions = new Option<int>("--sessions") { Description = "Number of search sessions.", DefaultValueFactory = _ => defaults.Sessions };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same settings and seed → identical files).", DefaultValueFactory = _ => defaults.Seed };
        var format = CliOptions.Choice("--format", "Table format: parquet or jsonl.", [("parquet", TableFileFormat.Parquet), ("jsonl", TableFileFormat.Jsonl)], TableFileFormat.Parquet);
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing data directory at --out (refused otherwise)." };

        var cmd = new Command("generate", "Generate a simulated marketplace (products, impressions, relevance ratings, world.json).")
        {
            outDir, products, queries, sessions, seed, format, overwrite,
        };
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var settings = new WorldSettings
            {
                Products = p.GetValue(products),
                Queries = p.GetValue(queries),
                Sessions = p.GetValue(sessions),
                Seed = p.GetValue(seed),
            };
            settings.Validate();
            var options = new GenerationOptions
            {
                Format = p.GetValue(format),
                Overwrite = p.GetValue(overwrite),
            };
            var summary = RunWithProgress(settings, p.GetValue(outDir)!, options);
            PrintSummary(summary);
            return 0;
        }));
        return cmd;
    }

    private static GenerationSummary RunWithProgress(WorldSettings settings, string outDir, GenerationOptions options)
    {
        GenerationSummary? summary = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                foreach (var stage in new[] { "products", "queries", "sessions", "relevance", "world" })
                    tasks[stage] = ctx.AddTask(stage, autoStart: false, maxValue: 1);
                var progress = new InlineProgress<GenerationProgress>(e =>
                {
                    var t = tasks[e.Stage];
                    if (!t.IsStarted) t.StartTask();
                    t.MaxValue = Math.Max(1, e.Total);
                    t.Value = e.Done;
                    if (e.Total > 0 && e.Done >= e.Total) t.StopTask();
                });
                summary = MarketplaceGenerator.Generate(settings, outDir, progress, options);
                foreach (var t in tasks.Values) { t.Value = t.MaxValue; t.StopTask(); }
            });
        return summary!;
    }

    private static void PrintSummary(GenerationSummary s)
    {
        var table = new Table().AddColumns("", "");
        table.HideHeaders();
        table.AddRow("output", Markup.Escape(s.OutputDirectory));
        table.AddRow("products", $"{s.Products:N0} ({s.ProductsWithoutImages:N0} without images)");
        table.AddRow("languages", string.Join(", ", s.ProductsByLanguage.Select(l => $"{l.Language} {l.Products:N0}")));
        table.AddRow("queries", $"{s.Queries:N0} ({s.EvalQueries:N0} held out for eval)");
        table.AddRow("sessions", $"{s.TrainSessions:N0} train, {s.EvalSessions:N0} eval");
        table.AddRow("impressions", $"{s.Impressions:N0}, engaged {s.Engaged:N0} ({s.EngagementRate:P1})");
        table.AddRow("shown r=2/1/0", string.Join(" / ", s.ShownByRelevance.Reverse().Select(n => $"{n:N0}")));
        table.AddRow("rated r=2/1/0", string.Join(" / ", s.RatedByRelevance.Reverse().Select(n => $"{n:N0}")));
        table.AddRow("time", $"{s.Elapsed.TotalSeconds:F1} s");
        AnsiConsole.Write(table);
    }
}
