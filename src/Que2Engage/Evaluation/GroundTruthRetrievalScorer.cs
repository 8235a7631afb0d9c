using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Evaluation;

/// <summary>
/// Retrieval metrics against the simulator's ground truth over the whole catalogue: the exact matches of a query
/// are every product with r(q,p) = 2; NDCG's ideal DCG comes from the counts of r = 2 and r = 1 products in the
/// catalogue; expected engagement uses the true P(engage | q, p, position).
/// </summary>
internal sealed class GroundTruthRetrievalScorer(IGroundTruth truth, IReadOnlyList<Product> products, IReadOnlyList<int> recallKs)
{
    /// <returns>Null when the ground truth does not know the query.</returns>
    public QueryRetrievalScores? Score(string query, IReadOnlyList<VectorHit> ranked)
    {
        if (!truth.KnowsQuery(query)) return null;

        // r(q,p) for the whole catalogue: needed for |exact matches| and the ideal DCG.
        var grade = new int[products.Count];
        var counts = new long[3];
        for (int i = 0; i < products.Count; i++)
        {
            int r = truth.Relevance(query, products[i].ProductId);
            if (r is < 0 or > 2)
                throw new Que2EngageException($"ground truth returned relevance {r} for ('{query}', '{products[i].ProductId}'); expected 0, 1 or 2");
            grade[i] = r;
            counts[r]++;
        }

        var recall = new Dictionary<int, double>();
        foreach (int k in recallKs)
        {
            if (counts[2] == 0) { recall[k] = double.NaN; continue; }
            int hits = 0;
            for (int j = 0; j < Math.Min(k, ranked.Count); j++)
                if (grade[ranked[j].Id] == 2) hits++;
            recall[k] = (double)hits / counts[2];
        }

        var top10 = ranked.Take(10).Select(h => grade[h.Id]).ToList();
        double ndcg = Ndcg.AtKFromCounts(top10, counts, 10);
        var top10Ids = ranked.Take(10).Select(h => products[h.Id].ProductId).ToList();
        double engagement = ExpectedEngagement.AtK(truth, query, top10Ids, 10);
        return new QueryRetrievalScores(recall, ndcg, engagement);
    }
}
