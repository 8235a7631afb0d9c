using System.Numerics.Tensors;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;

namespace Que2Engage.Evaluation;

/// <summary>
/// The offline evaluation of DESIGN §6: engagement and relevance ROC-AUC of κ(q,d) on held-out pairs, and
/// retrieval from the whole catalogue (recall@k, NDCG@10, expected engagement@10). With ground truth the
/// retrieval metrics are exact over the catalogue; without it they fall back to the rated pairs and say so.
/// </summary>
public static class Evaluator
{
    /// <param name="onProgress">(stage, fraction 0–1); stages: "embed products", "embed queries", "retrieve",
    /// "score retrieval". Calls are serialised.</param>
    public static EvaluationResult Evaluate(IEmbeddingModel model, IReadOnlyList<Product> products,
        IReadOnlyList<Impression> evalImpressions, IReadOnlyList<RelevanceJudgment> relevance, IGroundTruth? truth,
        EvaluationOptions options, Action<string, double>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(evalImpressions);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options, products, relevance);

        var progress = new ProgressReporter(onProgress);
        var embedder = new BatchEmbedder(model, options.BatchSize, progress);
        var productIndex = IndexProducts(products);

        float[][] productVectors = embedder.Products(products);
        List<string> distinctQueries = DistinctQueries(evalImpressions, relevance);
        float[][] queryVectorList = embedder.Queries(distinctQueries);
        var search = options.SearchFactory?.Invoke(productVectors) ?? VectorIndexKind.Flat.Of(productVectors);

        Dictionary<string, float[]> ByQuery(float[][] queryRows)
        {
            var byQuery = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int i = 0; i < distinctQueries.Count; i++) byQuery[distinctQueries[i]] = queryRows[i];
            return byQuery;
        }
        EvaluationResult ScoreWith(float[][] queryRows)
        {
            var queryVectors = ByQuery(queryRows);
            return Measure(products, evalImpressions, relevance, truth, options, progress, productIndex, distinctQueries,
                (query, p) => TensorPrimitives.Dot(queryVectors[query], productVectors[p]),
                (queries, depth) => search.SearchBatch(queries.Select(q => queryVectors[q]).ToList(), depth));
        }

        var result = ScoreWith(queryVectorList);
        if (options.LexicalBaselines && relevance.Count > 0)
        {
            progress.Report("bm25 and hybrid", 0);
            result = result with { Lexical = LexicalBaselines.Score(products, productVectors, ByQuery(queryVectorList), relevance) };
            progress.Report("bm25 and hybrid", 1);
        }
        if (model.ExtraCoordinates != 1) return result;
        // The engagement prior's query coordinate is the weight w: the same product vectors serve every w. A model
        // with the prior predicts engagement with its engagement logit s·κ + g (w = 1) and relevance with κ (w = 0),
        // so each AUC scores that task's own prediction; the retrieval metrics use the serving weight.
        double servingWeight = queryVectorList.Length > 0 ? queryVectorList[0][^1] : 0;
        var byWeight = new Dictionary<double, EvaluationResult> { [servingWeight] = result };
        EvaluationResult At(double w)
        {
            if (!byWeight.TryGetValue(w, out var r))
                byWeight[w] = r = ScoreWith(queryVectorList.Select(v => { var c = (float[])v.Clone(); c[^1] = (float)w; return c; }).ToArray());
            return r;
        }
        var engagement = At(1);
        var relevanceOnly = At(0);
        var sweep = options.EngagementWeights.Select(w => new EngagementWeightPoint(w, At(w))).ToList();
        result = result with
        {
            EngagementAuc = engagement.EngagementAuc, EngagementScores = engagement.EngagementScores, EngagementLabels = engagement.EngagementLabels,
            RelevanceAuc = relevanceOnly.RelevanceAuc, RelevanceScores = relevanceOnly.RelevanceScores, RelevanceLabels = relevanceOnly.RelevanceLabels,
            EngagementWeight = servingWeight,
            EngagementWeightSweep = sweep,
            Notes = [.. result.Notes, "engagement prior: engagement AUC scores the engagement logit s·κ + g (w = 1), relevance AUC scores κ (w = 0), " +
                $"recall/NDCG/expected engagement use the serving weight w = {servingWeight:0.###}"],
        };
        return result;
    }

    /// <summary>
    /// A reference row from the simulator's ground truth instead of a model: <see cref="OracleKind.Relevance"/>
    /// scores a pair by its true r(q,p), <see cref="OracleKind.Engagement"/> by its true engagement probability at
    /// position 1 (the order of the true engagement logit without the position term). Both AUCs and the retrieval
    /// metrics over the whole catalogue are computed exactly as for a model (ties broken by catalogue order), so the
    /// row shows the headroom of every metric.
    /// </summary>
    public static EvaluationResult EvaluateOracle(OracleKind kind, IGroundTruth truth, IReadOnlyList<Product> products,
        IReadOnlyList<Impression> evalImpressions, IReadOnlyList<RelevanceJudgment> relevance, EvaluationOptions options,
        Action<string, double>? onProgress = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        Validate(options, products, relevance);
        var progress = new ProgressReporter(onProgress);
        var productIndex = IndexProducts(products);
        var distinctQueries = DistinctQueries(evalImpressions, relevance);
        double Score(string query, int p) => !truth.KnowsQuery(query) ? double.NaN : kind == OracleKind.Relevance
            ? truth.Relevance(query, products[p].ProductId)
            : truth.EngagementProbability(query, products[p].ProductId, 1);
        IReadOnlyList<VectorHit>[] Retrieve(IReadOnlyList<string> queries, int depth) => queries.Select(q =>
        {
            if (!truth.KnowsQuery(q)) return (IReadOnlyList<VectorHit>)[];
            var scores = new float[products.Count];
            for (int p = 0; p < products.Count; p++) scores[p] = (float)Score(q, p);
            return Enumerable.Range(0, products.Count).OrderByDescending(p => scores[p]).ThenBy(p => p).Take(depth)
                .Select(p => new VectorHit(p, scores[p])).ToList();
        }).ToArray();
        return Measure(products, evalImpressions, relevance, truth, options, progress, productIndex, distinctQueries, Score, Retrieve);
    }

    private static List<string> DistinctQueries(IReadOnlyList<Impression> evalImpressions, IReadOnlyList<RelevanceJudgment> relevance) =>
        evalImpressions.Select(i => i.Query).Concat(relevance.Select(r => r.Query))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Both AUCs and the retrieval metrics of one scoring of (query, catalogue row) pairs.</summary>
    private static EvaluationResult Measure(IReadOnlyList<Product> products, IReadOnlyList<Impression> evalImpressions,
        IReadOnlyList<RelevanceJudgment> relevance, IGroundTruth? truth, EvaluationOptions options, ProgressReporter progress,
        Dictionary<string, int> productIndex, List<string> distinctQueries, Func<string, int, double> pairScore,
        Func<IReadOnlyList<string>, int, IReadOnlyList<VectorHit>[]> retrieve)
    {
        var notes = new List<string>();
        // Engagement AUC on held-out impressions.
        var (engScores, engLabels, engUnknown) = ScorePairs(evalImpressions.Select(i => (i.Query, i.ProductId, i.Engaged)),
            pairScore, productIndex);
        if (engUnknown > 0) notes.Add($"{engUnknown} eval impressions name products missing from the catalogue and were skipped");
        double engagementAuc = RocAuc.Compute(engScores, engLabels);
        if (double.IsNaN(engagementAuc)) notes.Add(UndefinedAucNote("engagement_auc", "eval impressions", "engaged", "shown-not-engaged", engLabels));

        // Relevance AUC on rated pairs: exact (2) vs partial/irrelevant (0–1).
        var (relScores, relLabels, relUnknown) = ScorePairs(relevance.Select(r => (r.Query, r.ProductId, r.Rating == 2)),
            pairScore, productIndex);
        if (relUnknown > 0) notes.Add($"{relUnknown} rated pairs name products missing from the catalogue and were skipped");
        double relevanceAuc = RocAuc.Compute(relScores, relLabels);
        if (double.IsNaN(relevanceAuc)) notes.Add(UndefinedAucNote("relevance_auc", "rated pairs", "rating 2", "rating 0–1", relLabels));

        // Retrieval over the whole catalogue.
        List<string> retrievalQueries = SampleQueries(distinctQueries, options, notes);
        int[] recallKs = options.RecallKs.Distinct().Order().ToArray();
        int depth = Math.Min(products.Count, Math.Max(10, recallKs.Max()));
        var ranked = new IReadOnlyList<VectorHit>[retrievalQueries.Count];
        const int retrievalBlock = 32;
        int blocks = (retrievalQueries.Count + retrievalBlock - 1) / retrievalBlock;
        RunParallel(blocks, progress, "retrieve", b =>
        {
            int start = b * retrievalBlock, count = Math.Min(retrievalBlock, retrievalQueries.Count - start);
            var hits = retrieve(retrievalQueries.GetRange(start, count), depth);
            for (int j = 0; j < count; j++) ranked[start + j] = hits[j];
        });

        Func<string, IReadOnlyList<VectorHit>, QueryRetrievalScores?> score;
        if (truth is not null)
            score = new GroundTruthRetrievalScorer(truth, products, recallKs).Score;
        else
        {
            score = new JudgedRetrievalScorer(relevance, products, recallKs).Score;
            notes.Add("no ground truth: recall@k and NDCG@10 are computed over the rated pairs only (recall = rated-exact products retrieved in the top k / rated-exact products; NDCG@10 on the condensed list of judged products among the top "
                      + depth + ")");
            notes.Add("expected_engagement_at_10 unavailable: it needs the true engagement probability from a simulated world (world.json)");
        }
        var perQuery = new QueryRetrievalScores?[retrievalQueries.Count];
        RunParallel(retrievalQueries.Count, progress, "score retrieval", q => perQuery[q] = score(retrievalQueries[q], ranked[q]));

        var scored = perQuery.Where(s => s is not null).Select(s => s!).ToList();
        int unscored = perQuery.Length - scored.Count;
        if (unscored > 0)
            notes.Add(truth is not null
                ? $"{unscored} of {perQuery.Length} retrieval queries are unknown to the ground truth and were skipped"
                : $"{unscored} of {perQuery.Length} retrieval queries have no rated pairs and were skipped");

        var recallMeans = new Dictionary<int, double>();
        foreach (int k in recallKs)
            recallMeans[k] = MeanSkippingNaN(scored.Select(s => s.RecallAtK[k]), $"recall_at_{k}", "no exact (r=2) match", notes);
        double ndcg = MeanSkippingNaN(scored.Select(s => s.NdcgAt10), "ndcg_at_10", "no relevant product at all", notes);
        double engagement = truth is null ? double.NaN
            : MeanSkippingNaN(scored.Select(s => s.ExpectedEngagementAt10), "expected_engagement_at_10", "no retrieved product", notes);
        if (!recallKs.Contains(10)) notes.Add("recall_at_10 not requested (RecallKs)");
        if (!recallKs.Contains(100)) notes.Add("recall_at_100 not requested (RecallKs)");
        if (depth < recallKs.Max()) notes.Add($"the catalogue has only {products.Count} products, so recall@k for k > {depth} retrieves the whole catalogue");

        return new EvaluationResult
        {
            EngagementAuc = engagementAuc,
            RelevanceAuc = relevanceAuc,
            RecallAt10 = recallMeans.GetValueOrDefault(10, double.NaN),
            RecallAt100 = recallMeans.GetValueOrDefault(100, double.NaN),
            NdcgAt10 = ndcg,
            ExpectedEngagementAt10 = engagement,
            Queries = scored.Count,
            Pairs = engScores.Count + relScores.Count,
            Notes = notes,
            RecallAtK = recallMeans,
            EngagementScores = engScores,
            EngagementLabels = engLabels,
            RelevanceScores = relScores,
            RelevanceLabels = relLabels,
        };
    }

    private static void Validate(EvaluationOptions options, IReadOnlyList<Product> products, IReadOnlyList<RelevanceJudgment> relevance)
    {
        if (options.MaxQueries < 1) throw InvalidInputException.Setting($"EvaluationOptions.MaxQueries must be ≥ 1 (got {options.MaxQueries})", "EvaluationOptions.MaxQueries");
        if (options.BatchSize < 1) throw new InvalidInputException($"BatchSize must be ≥ 1 (was {options.BatchSize})");
        if (options.RecallKs is null || options.RecallKs.Length == 0 || options.RecallKs.Any(k => k < 1))
            throw new InvalidInputException("RecallKs must hold at least one k ≥ 1");
        if (products.Count == 0) throw new InvalidInputException("the catalogue is empty: nothing to evaluate against");
        for (int i = 0; i < relevance.Count; i++)
            if (relevance[i].Rating is < 0 or > 2)
                throw new InvalidInputException($"relevance judgment #{i} ('{relevance[i].Query}', '{relevance[i].ProductId}'): rating must be 0, 1 or 2 (was {relevance[i].Rating})");
    }

    private static Dictionary<string, int> IndexProducts(IReadOnlyList<Product> products)
    {
        var index = new Dictionary<string, int>(products.Count, StringComparer.Ordinal);
        for (int i = 0; i < products.Count; i++)
            if (!index.TryAdd(products[i].ProductId, i))
                throw new InvalidInputException($"product #{i}: product_id '{products[i].ProductId}' is not unique in the catalogue");
        return index;
    }

    private static (List<double> Scores, List<bool> Labels, int Unknown) ScorePairs(
        IEnumerable<(string Query, string ProductId, bool Label)> pairs, Func<string, int, double> pairScore,
        Dictionary<string, int> productIndex)
    {
        var scores = new List<double>();
        var labels = new List<bool>();
        int unknown = 0;
        foreach (var (query, productId, label) in pairs)
        {
            if (!productIndex.TryGetValue(productId, out int p)) { unknown++; continue; }
            double score = pairScore(query, p);
            if (double.IsNaN(score)) { unknown++; continue; }
            scores.Add(score);
            labels.Add(label);
        }
        return (scores, labels, unknown);
    }

    /// <summary>Seeded partial Fisher–Yates over the ordinally sorted distinct queries, so the sample does not
    /// depend on input order. System.Random(seed) is the fixed legacy generator, stable across runs.</summary>
    private static List<string> SampleQueries(List<string> distinct, EvaluationOptions options, List<string> notes)
    {
        if (distinct.Count <= options.MaxQueries) return distinct;
        var pool = distinct.ToArray();
        var rng = new Random(options.Seed);
        for (int i = 0; i < options.MaxQueries; i++)
        {
            int j = rng.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        notes.Add($"retrieval metrics use {options.MaxQueries} of {distinct.Count} distinct queries (seeded sample, seed {options.Seed})");
        return pool.Take(options.MaxQueries).Order(StringComparer.Ordinal).ToList();
    }

    private static void RunParallel(int count, ProgressReporter progress, string stage, Action<int> body)
    {
        int done = 0;
        progress.Report(stage, 0);
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            body(i);
            progress.Report(stage, (double)Interlocked.Increment(ref done) / count);
        });
        progress.Report(stage, 1);
    }

    private static double MeanSkippingNaN(IEnumerable<double> values, string metric, string reason, List<string> notes)
    {
        int total = 0, skipped = 0;
        double sum = 0;
        foreach (double v in values)
        {
            total++;
            if (double.IsNaN(v)) { skipped++; continue; }
            sum += v;
        }
        if (skipped > 0) notes.Add($"{metric}: {skipped} of {total} queries skipped ({reason})");
        if (total - skipped == 0)
        {
            notes.Add($"{metric} unavailable: no query could be scored");
            return double.NaN;
        }
        return sum / (total - skipped);
    }

    private static string UndefinedAucNote(string metric, string what, string positive, string negative, List<bool> labels)
    {
        int pos = labels.Count(l => l);
        return labels.Count == 0
            ? $"{metric} unavailable: no {what}"
            : $"{metric} unavailable: {what} need both classes ({pos} {positive}, {labels.Count - pos} {negative})";
    }
}
