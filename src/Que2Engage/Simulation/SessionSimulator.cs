namespace Que2Engage.Simulation;

/// <summary>One shown product with everything the searcher's draw used (for inspection and tests).</summary>
public readonly record struct SampledImpression(
    int Session, int Query, int Product, int Position, int Relevance, float Attractiveness, double Probability, bool Engaged);

/// <summary>
/// Simulates search sessions: a query is drawn by Zipf popularity, the "production system" shows
/// <see cref="WorldSettings.ShownPerSession"/> products mixing exact, partial and lexical-false-positive candidates in
/// shuffled positions, and the searcher engages with each independently with
/// P = σ(b + α·r + β·A(p) − γ·ln(1+pos)). Each session has its own random stream, so sessions are processed grouped
/// by query (one candidate scan per query) yet come out identical to a session-by-session run.
/// </summary>
public sealed class SessionSimulator(WorldSettings settings, Taxonomy taxonomy, CatalogTruth catalog, IReadOnlyList<SimulatedQuery> queries)
{
    /// <summary>Query index of each session.</summary>
    public int[] DrawSessionQueries()
    {
        int n = queries.Count;
        var rankOf = Enumerable.Range(0, n).ToArray();
        var rng = SimRandom.For(settings.Seed, "query-popularity");
        rng.Shuffle(rankOf); // popularity rank is unrelated to query order or kind
        var cumulative = new double[n];
        double total = 0;
        for (int q = 0; q < n; q++)
        {
            total += Math.Pow(rankOf[q] + 1, -settings.QueryZipfExponent);
            cumulative[q] = total;
        }
        var sessionQuery = new int[settings.Sessions];
        for (int s = 0; s < sessionQuery.Length; s++)
        {
            double u = rng.NextDouble() * total;
            int k = Array.BinarySearch(cumulative, u);
            sessionQuery[s] = Math.Min(k >= 0 ? k + 1 : ~k, n - 1);
        }
        return sessionQuery;
    }

    /// <summary>
    /// Fills <paramref name="shown"/> (session-major, <c>ShownPerSession</c> per session, index = position − 1) and
    /// <paramref name="engaged"/>; calls <paramref name="observe"/> for every shown product.
    /// </summary>
    public void Simulate(int[] sessionQuery, int[] shown, bool[] engaged, IProgress<long>? sessionsDone = null, Action<SampledImpression>? observe = null)
    {
        int k = settings.ShownPerSession;
        var sessionsByQuery = GroupByQuery(sessionQuery);
        long done = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            var sessions = sessionsByQuery[q];
            if (sessions.Count == 0) continue;
            var pools = new CandidatePools(catalog, taxonomy, queries[q].Intent);
            foreach (int s in sessions)
            {
                var rng = SimRandom.For(settings.Seed, "session", s);
                var slate = ProductionSlate(pools, k, rng);
                rng.Shuffle(slate);
                for (int pos = 1; pos <= k; pos++)
                {
                    int p = slate[pos - 1];
                    int r = RelevanceRule.Rate(queries[q].Intent, catalog.Traits(p));
                    float a = catalog.Attractiveness(p);
                    double prob = settings.Engagement.Probability(r, a, pos);
                    bool e = rng.NextDouble() < prob;
                    shown[s * k + pos - 1] = p;
                    engaged[s * k + pos - 1] = e;
                    observe?.Invoke(new SampledImpression(s, q, p, pos, r, a, prob, e));
                }
                if (++done % 1000 == 0) sessionsDone?.Report(done);
            }
        }
        sessionsDone?.Report(done);
    }

    private List<int>[] GroupByQuery(int[] sessionQuery)
    {
        var groups = new List<int>[queries.Count];
        for (int q = 0; q < groups.Length; q++) groups[q] = [];
        for (int s = 0; s < sessionQuery.Length; s++) groups[sessionQuery[s]].Add(s);
        return groups;
    }

    /// <summary>The production system's k distinct products: each slot exact / partial / lexical by the configured mix.</summary>
    private int[] ProductionSlate(CandidatePools pools, int k, SimRandom rng)
    {
        double[] mix = [settings.ShownExactShare, settings.ShownPartialShare, settings.ShownLexicalShare];
        var slate = new int[k];
        int filled = 0;
        for (int attempt = 0; filled < k && attempt < 50 * k; attempt++)
        {
            int p = rng.PickWeighted(mix) switch
            {
                1 when pools.Partial.Length > 0 => rng.Pick(pools.Partial),
                2 => pools.DrawLexicalFalsePositive(rng),
                _ => rng.Pick(pools.Exact),
            };
            if (p < 0 || Array.IndexOf(slate, p, 0, filled) >= 0) continue;
            slate[filled++] = p;
        }
        for (int p = 0; filled < k; p++) // tiny catalogs: fill up with any unused products, in id order
            if (Array.IndexOf(slate, p, 0, filled) < 0) slate[filled++] = p;
        return slate;
    }
}
