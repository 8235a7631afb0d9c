using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Evaluation.Plots;
using Que2Engage.Training;
using Que2Engage.Modeling.Pretrained;

namespace Que2Engage.Experiments;

/// <summary>Settings of an ablation run (DESIGN §6).</summary>
public sealed record AblationOptions
{
    public required string OutputDirectory { get; init; }
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    /// <summary>Run settings and model overrides applied to every cell (<see cref="TrainAndEvaluate.OptionsFor"/>); the seed is each cell's.</summary>
    public TrainingOptions RunKnobs { get; init; } = new();
    /// <summary>Rows to run; default the paper's seven.</summary>
    public IReadOnlyList<ModelVariant> Rows { get; init; } = ModelVariant.AblationRows;
    /// <summary>λ1 values of the trade-off sweep (empty = no sweep).</summary>
    public IReadOnlyList<double> Lambdas { get; init; } = [];
    public EvaluationOptions Evaluation { get; init; } = new();
    /// <summary>
    /// Frozen encoders evaluated as extra rows with no training (e.g. <see cref="PretrainedSentenceEncoder.MiniLmModelName"/>),
    /// so the table shows what "no training" scores. Deterministic, so evaluated once (seed 1) and cached like a cell.
    /// </summary>
    public IReadOnlyList<string> Baselines { get; init; } = [];
}

/// <summary>What an ablation produced.</summary>
public sealed record AblationReport(IReadOnlyList<AblationRow> Rows, IReadOnlyList<AblationRow> LambdaRows, IReadOnlyList<string> Files);

/// <summary>
/// Trains and evaluates every (row, seed) cell, skipping cells whose results are already stored (resumable), then
/// writes ablation.md, ablation.json and the plots. The λ sweep is run the same way and written beside it.
/// </summary>
public static class AblationRunner
{
    public static AblationReport Run(MarketplaceDataset data, IGroundTruth? truth, AblationOptions options,
        IExperimentProgress? progress = null, CancellationToken ct = default)
    {
        progress ??= IExperimentProgress.None;
        if (options.Seeds.Count == 0) throw InvalidInputException.Setting("AblationOptions.Seeds must hold at least one seed", "AblationOptions.Seeds");
        Directory.CreateDirectory(options.OutputDirectory);
        var store = new ResultStore(Path.Combine(options.OutputDirectory, "cells"));

        var rowCells = RunCells(options.Rows, data, truth, options, store, progress, ct);
        rowCells.AddRange(RunBaselines(data, truth, options, store, progress, ct));
        var lambdaVariants = options.Lambdas.Select(ModelVariant.LambdaPoint).ToList();
        var lambdaCells = RunCells(lambdaVariants, data, truth, options, store, progress, ct);

        var files = new List<string>();
        var cells = rowCells.Select(c => new AblationCell(c.Row, c.Seed, c.Result)).ToList();
        if (truth is not null)
        {
            // The world's reference rows (exact, seed-independent; one cell per seed so they aggregate like the rest).
            var oracles = EvaluationWorkflow.Oracles(truth, data, data.Products, options.Evaluation, progress, EvaluationWorkflow.OracleRowName);
            foreach (var (kind, oracle) in oracles)
                cells.AddRange(options.Seeds.Select(seed => new AblationCell(EvaluationWorkflow.OracleRowName(kind), seed, oracle)));
        }
        var rows = AblationTable.Aggregate(cells);
        AblationTable.Write(options.OutputDirectory, rows);
        files.Add(Path.Combine(options.OutputDirectory, "ablation.md"));
        files.Add(Path.Combine(options.OutputDirectory, "ablation.json"));

        string plots = Path.Combine(options.OutputDirectory, "plots");
        Directory.CreateDirectory(plots);
        foreach (string metric in EvaluationResult.MetricKeys)
        {
            var bars = rows.Select(r => (r.Name, r.Metrics[metric].Mean, r.Metrics[metric].Std)).ToList();
            if (bars.All(b => double.IsNaN(b.Mean))) continue;
            string path = Path.Combine(plots, $"bar_{metric}.png");
            MetricBarPlot.Save(path, MetricNames.Display(metric), bars);
            files.Add(path);
        }
        var scatter = rows.Where(r => !double.IsNaN(r.Metrics["relevance_auc"].Mean) && !double.IsNaN(r.Metrics["engagement_auc"].Mean))
            .Select(r => (r.Name, r.Metrics["relevance_auc"].Mean, r.Metrics["engagement_auc"].Mean)).ToList();
        if (scatter.Count > 0)
        {
            string path = Path.Combine(plots, "relevance_vs_engagement.png");
            TradeoffScatterPlot.Save(path, "Relevance vs engagement AUC (mean over seeds)", scatter);
            files.Add(path);
        }
        // ROC curves and loss curves of the first seed of every row.
        int firstSeed = options.Seeds[0];
        var firstCells = rowCells.Where(c => c.Seed == firstSeed).Select(c => (c.Row, c.Result, c.Loss)).ToList();
        files.AddRange(ExperimentPlots.RocAndLoss(plots, firstCells, $"seed {firstSeed}").Select(p => Path.Combine(plots, p.File)));

        IReadOnlyList<AblationRow> lambdaRows = [];
        if (lambdaCells.Count > 0)
        {
            lambdaRows = AblationTable.Aggregate(lambdaCells.Select(c => new AblationCell(c.Row, c.Seed, c.Result)));
            var points = lambdaVariants.Zip(lambdaRows.OrderBy(r => lambdaVariants.FindIndex(v => v.Name == r.Name)))
                .Select(z => (z.First.Options.Lambda1, z.Second.Metrics["relevance_auc"].Mean, z.Second.Metrics["engagement_auc"].Mean)).ToList();
            string path = Path.Combine(plots, "lambda_tradeoff.png");
            LambdaTradeoffPlot.Save(path, "Relevance–engagement trade-off over λ1 (λ2 = 1 − λ1)", points);
            files.Add(path);
            string md = Path.Combine(options.OutputDirectory, "lambda_sweep.md");
            File.WriteAllText(md, AblationTable.ToMarkdown(lambdaRows)
                .Replace("## Ablation (mean ± std over seeds)", "## λ sweep: full Que2Engage, λ2 = 1 − λ1 (mean ± std over seeds)"));
            string json = Path.Combine(options.OutputDirectory, "lambda_sweep.json");
            File.WriteAllText(json, AblationTable.ToJson(lambdaRows));
            files.Add(md); files.Add(json);
        }
        return new AblationReport(rows, lambdaRows, files);
    }

    private sealed record Cell(string Row, int Seed, EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss);

    /// <summary>The row name of a frozen baseline.</summary>
    public static string BaselineRowName(string model) => $"{model} (frozen, no training)";

    private static IEnumerable<Cell> RunBaselines(MarketplaceDataset data, IGroundTruth? truth, AblationOptions options,
        ResultStore store, IExperimentProgress progress, CancellationToken ct)
    {
        foreach (string model in options.Baselines)
        {
            ct.ThrowIfCancellationRequested();
            if (!string.Equals(model, PretrainedSentenceEncoder.MiniLmModelName, StringComparison.OrdinalIgnoreCase))
                throw InvalidInputException.Setting($"AblationOptions.Baselines: unknown frozen encoder '{model}' (known: {PretrainedSentenceEncoder.MiniLmModelName})", "AblationOptions.Baselines");
            string row = BaselineRowName(PretrainedSentenceEncoder.MiniLmModelName);
            if (store.TryLoad(row, 1) is { } stored)
            {
                yield return new Cell(row, 1, stored.Result, stored.Loss);
                continue;
            }
            progress.Begin(row, 1);
            EvaluationResult result;
            using (var encoder = PretrainedSentenceEncoder.LoadMiniLm())
                result = Evaluator.Evaluate(encoder, data.Products, data.EvalImpressions, data.Relevance, truth,
                    options.Evaluation with { Seed = 1 }, (stage, fraction) => progress.Report(fraction, stage));
            store.Save(row, 1, result);
            yield return new Cell(row, 1, result, []);
        }
    }

    private static List<Cell> RunCells(IReadOnlyList<ModelVariant> variants, MarketplaceDataset data, IGroundTruth? truth,
        AblationOptions options, ResultStore store, IExperimentProgress progress, CancellationToken ct)
    {
        var cells = new List<Cell>();
        foreach (var variant in variants)
        {
            foreach (int seed in options.Seeds)
            {
                ct.ThrowIfCancellationRequested();
                string modelDir = Path.Combine(options.OutputDirectory, "models", $"{variant.Slug}-seed{seed}");
                var (result, loss) = TrainAndEvaluate.RunOrReuse(store, variant, options.RunKnobs with { Seed = seed }, data, truth,
                    modelDir, options.Evaluation with { Seed = seed }, progress, ct);
                cells.Add(new Cell(variant.Name, seed, result, loss));
            }
        }
        return cells;
    }
}
