namespace Que2Engage.Data;

/// <summary>
/// The hidden truth of a simulated marketplace (world.json): true semantic relevance and true engagement
/// probability of any (query, product) pair. Real imported data has no ground truth; evaluation then falls back
/// to the rated pairs only and says so.
/// </summary>
public interface IGroundTruth
{
    /// <summary>True when the world knows the intent behind this query text (every generated query).</summary>
    bool KnowsQuery(string query);

    /// <summary>True relevance r(q,p) ∈ {0,1,2} from the query's intent alone.</summary>
    int Relevance(string query, string productId);

    /// <summary>P(engage | q, p, position), position 1-based, exactly as the generator samples it.</summary>
    double EngagementProbability(string query, string productId, int position);
}
