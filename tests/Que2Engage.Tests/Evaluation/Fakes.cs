using Que2Engage.Data;
using Que2Engage.Evaluation;
using Que2Engage.Modeling;

namespace Que2Engage.Tests.Evaluation;

/// <summary>Embeddings looked up from tables (not normalised on purpose: the evaluator must normalise).</summary>
internal sealed class FakeEmbeddingModel(Dictionary<string, float[]> queries, Dictionary<string, float[]> products) : IEmbeddingModel
{
    public int Dimension => products.Values.First().Length;
    public int ProductCalls;
    public float[][] EmbedQueries(IReadOnlyList<string> q) => q.Select(x => queries[x]).ToArray();
    public float[][] EmbedProducts(IReadOnlyList<Product> p)
    {
        Interlocked.Increment(ref ProductCalls);
        return p.Select(x => products[x.ProductId]).ToArray();
    }
}

/// <summary>Relevance from a table (missing = 0); engagement probability = base(product) / position.</summary>
internal sealed class FakeGroundTruth(Dictionary<string, Dictionary<string, int>> relevance, Dictionary<string, double> engagementBase) : IGroundTruth
{
    public bool KnowsQuery(string query) => relevance.ContainsKey(query);
    public int Relevance(string query, string productId) => relevance[query].GetValueOrDefault(productId);
    public double EngagementProbability(string query, string productId, int position) => engagementBase[productId] / position;
}
