using Que2Engage.Common;

namespace Que2Engage.Data.Import;

/// <summary>
/// Assigns each distinct query to train or eval, so no query appears in both. Queries are ordered by a seeded
/// FNV-1a hash of their text and the first round(n × fraction) go to eval (at least one when there are two or more
/// queries and the fraction is above 0, at most n − 1 when it is below 1). Depends only on the set of queries and
/// the seed — not on file order — so re-running an import reproduces it exactly.
/// </summary>
public sealed class QuerySplit
{
    readonly HashSet<string> _eval;

    public int TrainQueries { get; }
    public int EvalQueries => _eval.Count;

    QuerySplit(HashSet<string> eval, int train)
    {
        _eval = eval;
        TrainQueries = train;
    }

    public static QuerySplit Create(IReadOnlyCollection<string> queries, double evalFraction, long seed)
    {
        if (!(evalFraction >= 0 && evalFraction <= 1))
            throw new InvalidInputException($"the eval fraction must be between 0 and 1 (got {evalFraction})");
        int n = queries.Count;
        int evalCount = (int)Math.Round(n * evalFraction, MidpointRounding.AwayFromZero);
        if (n >= 2 && evalFraction > 0) evalCount = Math.Max(evalCount, 1);
        if (n >= 2 && evalFraction < 1) evalCount = Math.Min(evalCount, n - 1);
        string salt = $"q2e-split:{seed}:";
        var ordered = queries
            .Select(q => (Query: q, Key: SplitMix64.Mix(StableHash.Fnv1a64(salt + q)) /* FNV-1a alone mixes the last bytes weakly into the high bits we sort on */))
            .OrderBy(x => x.Key).ThenBy(x => x.Query, StringComparer.Ordinal)
            .Take(evalCount)
            .Select(x => x.Query);
        var eval = new HashSet<string>(ordered, StringComparer.Ordinal);
        return new QuerySplit(eval, n - eval.Count);
    }

    public bool IsEval(string query) => _eval.Contains(query);
}
