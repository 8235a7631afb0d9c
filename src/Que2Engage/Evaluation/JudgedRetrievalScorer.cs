using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Evaluation;

/// <summary>
/// Retrieval metrics when there is no ground truth (real data): only the rated pairs are known. Recall@k =
/// rated-exact (rating 2) products in the top k / all rated-exact products of the query. NDCG@10 uses the
/// condensed list (Sakai 2007): unjudged products are dropped from the retrieved top-K list, the first 10 judged
/// ones are scored, and the ideal list is the query's judged ratings. Expected engagement is unavailable.
/// </summary>
internal sealed class JudgedRetrievalScorer
{
    private readonly IReadOnlyList<Product> _products;
    private readonly IReadOnlyList<int> _recallKs;
    private readonly Dictionary<string, Dictionary<string, int>> _judged = new(StringComparer.Ordinal);

    /// <param name="judgments">Validated ratings; when a pair is rated twice the last rating wins.</param>
    public JudgedRetrievalScorer(IReadOnlyList<RelevanceJudgment> judgments, IReadOnlyList<Product> products, IReadOnlyList<int> recallKs)
    {
        _products = products;
        _recallKs = recallKs;
        foreach (var j in judgments)
        {
            if (!_judged.TryGetValue(j.Query, out var byProduct))
                _judged[j.Query] = byProduct = new Dictionary<string, int>(StringComparer.Ordinal);
            byProduct[j.ProductId] = j.Rating;
        }
    }

    /// <returns>Null when the query has no rated pairs.</returns>
    public QueryRetrievalScores? Score(string query, IReadOnlyList<VectorHit> ranked)
    {
        if (!_judged.TryGetValue(query, out var ratings)) return null;
        var rankedIds = ranked.Select(h => _products[h.Id].ProductId).ToList();
        var exact = ratings.Where(kv => kv.Value == 2).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

        var recall = new Dictionary<int, double>();
        foreach (int k in _recallKs) recall[k] = Recall.AtK(rankedIds, exact, k);

        var condensed = rankedIds.Where(ratings.ContainsKey).Select(id => ratings[id]).Take(10).ToList();
        double ndcg = Ndcg.AtK(condensed, ratings.Values.ToList(), 10);
        return new QueryRetrievalScores(recall, ndcg, double.NaN);
    }
}
