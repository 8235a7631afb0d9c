using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// The rated pairs of eval/relevance: per eval query, mostly hard same-category pairs — partial matches (r=1, one
/// attribute off) against exact ones (r=2) — plus some r=0 (lexical false positives and plain irrelevant products).
/// Ratings are the true r(q,p): the raters are ideal and judge semantics only.
/// </summary>
public sealed class RelevancePairSampler(WorldSettings settings, Taxonomy taxonomy, CatalogTruth catalog)
{
    private static readonly double[] Mix = [0.35, 0.45, 0.10, 0.10]; // exact, partial, lexical FP, irrelevant

    public IEnumerable<RelevanceJudgment> Sample(IReadOnlyList<SimulatedQuery> queries)
    {
        int n = settings.RelevancePairsPerEvalQuery;
        for (int q = 0; q < queries.Count; q++)
        {
            if (!queries[q].IsEval || n == 0) continue;
            var intent = queries[q].Intent;
            var pools = new CandidatePools(catalog, taxonomy, intent);
            var rng = SimRandom.For(settings.Seed, "rated", q);
            var chosen = new List<int>(n);
            for (int attempt = 0; chosen.Count < n && attempt < 20 * n; attempt++)
            {
                int p = rng.PickWeighted(Mix) switch
                {
                    0 => rng.Pick(pools.Exact),
                    1 => pools.Partial.Length > 0 ? rng.Pick(pools.Partial) : rng.Pick(pools.Exact),
                    2 => pools.DrawLexicalFalsePositive(rng),
                    _ => pools.DrawIrrelevant(rng),
                };
                if (p < 0 || chosen.Contains(p)) continue;
                chosen.Add(p);
            }
            foreach (int p in chosen)
                yield return new RelevanceJudgment(queries[q].Text, ProductSynthesizer.ProductId(p), RelevanceRule.Rate(intent, catalog.Traits(p)));
        }
    }
}
