using System.CommandLine;
using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Experiments;
using Que2Engage.Modeling;
using Que2Engage.Modeling.Pretrained;
using Que2Engage.Simulation;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

/// <summary><c>evaluate --data DIR --model MODEL_DIR [--json FILE] [--plots DIR]</c> (DESIGN §6).</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory (products, eval/impressions, eval/relevance; world.json when simulated).", Required = true };
        var model = new Option<string>("--model") { Description = $"Trained model directory, or {PretrainedSentenceEncoder.MiniLmModelName} (all-MiniLM-L6-v2 from its NuGet package, used as is: mean-pooled, normalised sentence embeddings of query and product text, no training).", Required = true };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON to this file." };
        var plots = new Option<string?>("--plots") { Description = "Write ROC curves and score distributions (PNG) to this directory." };
        var maxQueries = new Option<int>("--max-queries") { Description = "Cap on held-out queries for the retrieval metrics (seeded sample).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the query sample.", DefaultValueFactory = _ => 1 };
        var weights = CliOptions.List("--engagement-weights", "Models with the engagement prior: also report every metric at these query weights w (comma-separated, e.g. 0,0.5,1); w = 0 ranks by relevance alone, 1 by the engagement logit.",
            CliOptions.Number(), "a finite number");
        var weight = new Option<double?>("--engagement-weight") { Description = "Models with the engagement prior: the query weight w of the main result (default: the model's, 1)." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip (and count) bad data rows instead of failing." };
        var lexical = new Option<bool>("--lexical") { Description = "Also score the rated pairs with BM25 and with the hybrid (RRF of BM25 and this model's vectors)." };
        var threads = CliOptions.Threads().Check(n => n >= 0, n => $"--threads must be ≥ 0 (got {n}).");
        var judgedOnly = new Option<bool>("--judged-only") { Description = "Embed only the products of the evaluation pairs (eval impressions, rated pairs): the AUCs are unchanged, recall/NDCG and BM25 then rank within that smaller catalogue. For large real catalogues where embedding every product is slow." };
        var c = new Command("evaluate", "Evaluate a model: engagement AUC, relevance AUC, recall@10/100, NDCG@10, expected engagement@10.")
        {
            data, model, json, plots, maxQueries, seed, weights, weight, lenient, lexical, threads, judgedOnly,
        };
        c.SetAction(p => Verbs.Run(p, () =>
        {
            var o = p.InvocationConfiguration.Output;
            string dataDir = p.GetValue(data)!;
            var dataset = MarketplaceDataset.Load(dataDir, p.GetValue(lenient) ? ReadOptions.LenientMode : ReadOptions.Strict);
            Verbs.ReportSkipped(o, dataset);
            var products = EvaluationWorkflow.ProductsToEmbed(dataset, p.GetValue(judgedOnly));
            if (p.GetValue(judgedOnly))
                o.WriteLine($"--judged-only: {products.Count:N0} products of the evaluation pairs are embedded; recall, NDCG and BM25 rank within them");
            IGroundTruth? truth = World.LoadIfPresent(dataDir);
            if (truth is null)
                o.WriteLine("no world.json: real data, so recall and NDCG use the rated pairs only and expected engagement is unavailable");
            TorchRuntime.Configure(p.GetValue(threads));
            var trained = EvaluationWorkflow.LoadModel(p.GetValue(model)!);
            using var owner = trained as IDisposable;
            EngagementWeight.Apply(trained, p.GetValue(weight));
            var options = new EvaluationOptions
            {
                MaxQueries = p.GetValue(maxQueries), Seed = p.GetValue(seed), LexicalBaselines = p.GetValue(lexical),
                EngagementWeights = p.GetValue(weights) ?? [],
            };
            var result = SpectreExperimentProgress.Run(progress => EvaluationWorkflow.Evaluate(trained, dataset, products, truth, options, progress));
            Print(o, result);
            if (truth is not null)
            {
                var oracles = SpectreExperimentProgress.Run(progress => EvaluationWorkflow.Oracles(truth, dataset, products, options, progress));
                PrintReference(o, result, oracles);
                result = result with { Oracles = oracles };
            }
            if (p.GetValue(json) is string jsonPath)
            {
                EvaluationWorkflow.WriteJson(jsonPath, result);
                o.WriteLine($"metrics written to {jsonPath}");
            }
            if (p.GetValue(plots) is string plotDir)
            {
                EvaluationWorkflow.WritePlots(plotDir, result);
                o.WriteLine($"plots written to {plotDir}");
            }
            return 0;
        }));
        return c;
    }

    /// <summary>The model beside the world's oracle rows (the headroom of every metric).</summary>
    public static void PrintReference(TextWriter o, EvaluationResult model, IReadOnlyDictionary<OracleKind, EvaluationResult> oracles)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("model").RightAligned());
        foreach (var kind in oracles.Keys) table.AddColumn(new TableColumn(EvaluationWorkflow.OracleRowName(kind)).RightAligned());
        foreach (string key in EvaluationResult.MetricKeys)
            table.AddRow([Markup.Escape(MetricNames.Display(key)), MetricNames.Value(model.Metric(key)), .. oracles.Values.Select(x => MetricNames.Value(x.Metric(key)))]);
        o.WriteLine("reference rows from world.json (oracle relevance: the true r as score; oracle engagement: the true engagement probability without position):");
        AnsiConsole.Write(table);
    }

    public static void Print(TextWriter o, EvaluationResult result)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (string key in EvaluationResult.MetricKeys)
            table.AddRow(Markup.Escape(MetricNames.Display(key)), MetricNames.Value(result.Metric(key)));
        if (result.Lexical is { } lex)
        {
            table.AddRow("relevance AUC, BM25 (same pairs)", MetricNames.Value(lex.Bm25RelevanceAuc));
            table.AddRow("relevance AUC, hybrid RRF (same pairs)", MetricNames.Value(lex.HybridRelevanceAuc));
        }
        table.AddRow("queries", result.Queries.ToString("N0"));
        table.AddRow("pairs", result.Pairs.ToString("N0"));
        AnsiConsole.Write(table);
        if (result.EngagementWeightSweep.Count > 0)
        {
            var sweep = new Table().AddColumn(new TableColumn("w").RightAligned());
            foreach (string key in EvaluationResult.MetricKeys) sweep.AddColumn(new TableColumn(Markup.Escape(MetricNames.Display(key))).RightAligned());
            foreach (var point in result.EngagementWeightSweep)
                sweep.AddRow([point.Weight.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
                    .. EvaluationResult.MetricKeys.Select(k => MetricNames.Value(point.Result.Metric(k)))]);
            o.WriteLine("engagement-prior weight w (score κ + w·g/s):");
            AnsiConsole.Write(sweep);
        }
        foreach (var note in result.Notes) o.WriteLine($"note: {note}");
    }
}
