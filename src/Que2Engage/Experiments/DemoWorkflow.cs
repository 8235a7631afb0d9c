using System.Globalization;
using System.Text;
using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Evaluation.Plots;
using Que2Engage.Simulation;
using Que2Engage.Training;

namespace Que2Engage.Experiments;

public sealed record DemoOptions
{
    /// <summary>Everything goes under this folder: data/, models/, results/, report/.</summary>
    public string WorkDirectory { get; init; } = Path.Combine("runs", "demo");
    public WorldSettings World { get; init; } = new();
    /// <summary>Steps, preset, threads, seed for both models.</summary>
    public TrainingOptions RunKnobs { get; init; } = new();
    public EvaluationOptions Evaluation { get; init; } = new() { EngagementWeights = DemoWorkflow.ServingWeights };
}

/// <summary>One claim of the paper checked on our numbers (DESIGN §6, issue "what the numbers must show").</summary>
public sealed record DirectionCheck(string Claim, string Measured, bool Holds);

/// <param name="Que2Engage">The recommended Que2Engage.</param>
/// <param name="PaperQue2Engage">Que2Engage trained with the paper's recipe (multitask + modality dropout).</param>
public sealed record DemoReport(string ReportPath, EvaluationResult Que2Search, EvaluationResult Que2Engage,
    EvaluationResult PaperQue2Engage, IReadOnlyList<DirectionCheck> Checks, string Markdown,
    IReadOnlyDictionary<OracleKind, EvaluationResult> Oracles);

/// <summary>
/// The one-command journey: generate the simulated marketplace (unless already there), train Que2Search, the
/// recommended Que2Engage and Que2Engage with the paper's recipe, evaluate them beside the world's oracle rows, check
/// the paper's direction and write a Markdown report with plots. Re-running reuses finished steps.
/// </summary>
public static class DemoWorkflow
{
    /// <summary>The engagement-prior weights w at which the demo measures the recommended model's retrieval.</summary>
    public static readonly double[] ServingWeights = [0, 0.1, 0.25, 0.5, 1];

    public static DemoReport Run(DemoOptions options, IExperimentProgress? progress = null, CancellationToken ct = default)
    {
        progress ??= IExperimentProgress.None;
        string work = options.WorkDirectory;
        string dataDir = Path.Combine(work, "data");
        string worldPath = World.PathIn(dataDir);
        if (!File.Exists(worldPath))
        {
            progress.Begin("generate the simulated marketplace", 1);
            // No world.json means no finished generation here: whatever a killed older run left may be replaced.
            var summary = MarketplaceGenerator.Generate(options.World, dataDir,
                new Progress<GenerationProgress>(g => progress.Report(g.Total == 0 ? 0 : (double)g.Done / g.Total, g.Stage)),
                new GenerationOptions { Overwrite = true });
            progress.Report(1, "done");
            progress.Log($"generated {summary.Products:N0} products, {summary.Impressions:N0} impressions " +
                         $"({summary.EngagementRate:P1} engaged) in {dataDir}");
        }
        else progress.Log($"reusing the marketplace in {dataDir}");

        progress.Begin("load data", 1);
        var data = MarketplaceDataset.Load(dataDir);
        var truth = World.Load(worldPath);
        progress.Report(1, "done");

        var store = new ResultStore(Path.Combine(work, "results"));
        var results = new List<(ModelVariant Variant, EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss)>();
        foreach (var variant in new[] { ModelVariant.Que2Search, ModelVariant.Que2EngageRecommended, ModelVariant.Que2EngageFull })
        {
            var (result, loss) = TrainAndEvaluate.RunOrReuse(store, variant, options.RunKnobs, data, truth,
                Path.Combine(work, "models", variant.Slug), options.Evaluation, progress, ct);
            results.Add((variant, result, loss));
        }
        var oracles = EvaluationWorkflow.Oracles(truth, data, data.Products, options.Evaluation, progress);

        string reportDir = Path.Combine(work, "report");
        Directory.CreateDirectory(reportDir);
        var plots = WritePlots(reportDir, results);
        var baseline = results[0].Result;
        var recommended = results[1].Result;
        var checks = CheckDirection(baseline, recommended);
        string md = Markdown(options, data, results.Select(r => (r.Variant.Name, r.Result)).ToList(), checks, plots, oracles);
        string reportPath = Path.Combine(reportDir, "report.md");
        File.WriteAllText(reportPath, md);
        return new DemoReport(reportPath, baseline, recommended, results[2].Result, checks, md, oracles);
    }

    /// <summary>The paper's direction, with the thresholds of the evaluation issue.</summary>
    public static IReadOnlyList<DirectionCheck> CheckDirection(EvaluationResult que2Search, EvaluationResult que2Engage)
    {
        static string F(double v) => v.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
        static string P(double v) => (v * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
        double dEng = que2Engage.EngagementAuc - que2Search.EngagementAuc;
        double dRel = que2Engage.RelevanceAuc - que2Search.RelevanceAuc;
        // A model with the engagement prior is checked at its serving setting: the weight w its config names, the
        // one its main result's retrieval metrics (and search/serve) use.
        string at = que2Engage.EngagementWeight is double w ? $" (serving setting w = {w.ToString("0.###", CultureInfo.InvariantCulture)})" : "";
        double rEe = que2Engage.ExpectedEngagementAt10 / que2Search.ExpectedEngagementAt10 - 1;
        double rNdcg = que2Engage.NdcgAt10 / que2Search.NdcgAt10 - 1;
        return
        [
            new("engagement AUC up by ≥ 0.10 absolute", F(dEng), dEng >= 0.10),
            new("relevance AUC no more than 0.02 lower", F(dRel), dRel >= -0.02),
            new("expected engagement@10 up by ≥ 4.5% relative" + at, P(rEe), rEe >= 0.045),
            new("NDCG@10 within 2% relative" + at, P(rNdcg), Math.Abs(rNdcg) <= 0.02 || rNdcg > 0),
            new("stretch: engagement AUC ≥ 0.70 with relevance AUC ≥ Que2Search's",
                $"{que2Engage.EngagementAuc.ToString("0.000", CultureInfo.InvariantCulture)} / {F(dRel)}",
                que2Engage.EngagementAuc >= 0.70 && dRel >= 0),
        ];
    }

    private static List<(string Title, string File)> WritePlots(string dir,
        IReadOnlyList<(ModelVariant Variant, EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss)> results)
    {
        var plots = ExperimentPlots.RocAndLoss(dir, results.Select(r => (r.Variant.Name, r.Result, r.Loss)).ToList(), "held-out data");
        foreach (var r in results.Where(r => r.Result.EngagementScores.Count > 0))
        {
            string file = $"scores_{r.Variant.Slug}.png";
            ScoreDistributionPlot.Save(Path.Combine(dir, file), $"{r.Variant.Name}: κ(q,d) of engaged vs not", r.Result.EngagementScores, r.Result.EngagementLabels);
            plots.Add(($"{r.Variant.Name} score distribution", file));
        }
        return plots;
    }

    private static string Markdown(DemoOptions options, MarketplaceDataset data, IReadOnlyList<(string Name, EvaluationResult Result)> models,
        IReadOnlyList<DirectionCheck> checks, IReadOnlyList<(string Title, string File)> plots,
        IReadOnlyDictionary<OracleKind, EvaluationResult> oracles)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Que2Engage demo report").AppendLine();
        sb.AppendLine($"Simulated marketplace: {data.Products.Count:N0} products, {data.TrainImpressions.Count:N0} training and " +
                      $"{data.EvalImpressions.Count:N0} held-out impressions, {data.Relevance.Count:N0} rated pairs (seed {options.World.Seed}).");
        sb.AppendLine($"Models: preset `{options.RunKnobs.Preset}`, seed {options.RunKnobs.Seed}" +
                      (options.RunKnobs.Steps is int s ? $", {s} steps each" : "") + ".").AppendLine();
        sb.AppendLine(ComparisonReport.ToMarkdown(models, "Que2Search vs Que2Engage (recommended) and Que2Engage (the paper's recipe)"));
        sb.AppendLine("### Reference rows (world.json)").AppendLine();
        sb.AppendLine("| metric | " + string.Join(" | ", models.Select(m => m.Name)) + " | " +
                      string.Join(" | ", oracles.Keys.Select(EvaluationWorkflow.OracleRowName)) + " |");
        sb.AppendLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", models.Count + oracles.Count)));
        foreach (string key in EvaluationResult.MetricKeys)
            sb.AppendLine($"| {MetricNames.Display(key)} | " + string.Join(" | ", models.Select(m => MetricNames.Value(m.Result.Metric(key)))) + " | " +
                          string.Join(" | ", oracles.Values.Select(o => MetricNames.Value(o.Metric(key)))) + " |");
        sb.AppendLine().AppendLine("Oracle relevance scores a pair by its true r(q,p); oracle engagement by its true engagement probability " +
                                   "without the position term — the headroom of every metric.").AppendLine();
        foreach (var (name, result) in models.Where(m => m.Result.EngagementWeightSweep.Count > 0))
        {
            sb.AppendLine($"### {name}: the relevance ↔ engagement dial").AppendLine();
            sb.AppendLine("Every metric scores κ(q,d) + w·g(d)/s; search and serving at engagement weight w rank the same way.").AppendLine();
            sb.AppendLine("| w | " + string.Join(" | ", EvaluationResult.MetricKeys.Select(MetricNames.Display)) + " |");
            sb.AppendLine("| ---: |" + string.Concat(Enumerable.Repeat(" ---: |", EvaluationResult.MetricKeys.Count)));
            foreach (var point in result.EngagementWeightSweep)
                sb.AppendLine($"| {point.Weight.ToString("0.###", CultureInfo.InvariantCulture)} | " +
                              string.Join(" | ", EvaluationResult.MetricKeys.Select(k => MetricNames.Value(point.Result.Metric(k)))) + " |");
            sb.AppendLine();
        }
        sb.AppendLine("## The paper's direction (recommended Que2Engage vs Que2Search)").AppendLine();
        sb.AppendLine("| claim | measured | holds |").AppendLine("| --- | ---: | :---: |");
        foreach (var c in checks) sb.AppendLine($"| {c.Claim} | {c.Measured} | {(c.Holds ? "yes" : "no")} |");
        sb.AppendLine();
        foreach (var (name, result) in models)
            foreach (var note in result.Notes) sb.AppendLine($"- {name}: {note}");
        sb.AppendLine().AppendLine("## Plots").AppendLine();
        foreach (var (title, file) in plots) sb.AppendLine($"### {title}").AppendLine().AppendLine($"![{title}]({file})").AppendLine();
        return sb.ToString();
    }
}
