namespace Que2Engage.Simulation;

/// <summary>One shown product with everything the searcher's draw used (for inspection and tests).</summary>
public readonly record struct SampledImpression(
    int Session, int Query, int Product, int Position, int Relevance, float Attractiveness, double Probability, bool Engaged);

/// <summary>
/// Simulates search sessions: a query is drawn by Zipf popularity, the "production system" shows
/// <see cref="WorldSettings.ShownPerSession"/> products mixing exact, partial and lexical-false-positive candidates in
/// shuffled positions, and the searcher engages with each independently with
/// P = σ(b + α·r + β·A(p) − γ·ln(1+pos)). Each session has its own random stream, so sessions are processed grouped
/// by query (one candidate scan per query per <see cref="Simulate"/> call) yet come out identical to a
/// session-by-session run, and a run split into chunks of sessions is identical to one call over all of them.
/// </summary>
public sealed class SessionSimulator(WorldSettings settings, Taxonomy taxonomy, CatalogTruth catalog, IReadOnlyList<SimulatedQuery> queries)
{
    /// <summary>Query index of each session (all at once; <see cref="SessionQueries"/> streams the same draws).</summary>
    public int[] DrawSessionQueries()
    {
        var draw = SessionQueries();
        var sessionQuery = new int[settings.Sessions];
        for (int s = 0; s < sessionQuery.Length; s++) sessionQuery[s] = draw.Next();
        return sessionQuery;
    }

    /// <summary>
    /// The sessions' queries in session order, one at a time: the Zipf draw is sequential over one random stream, so
    /// keeping that stream (not an int per session) lets the generator simulate the log in chunks.
    /// </summary>
    public SessionQueryDraw SessionQueries() => new(settings, queries.Count);

    /// <summary>
    /// Fills <paramref name="shown"/> (session-major, <c>ShownPerSession</c> per session, index = position − 1) and
    /// <paramref name="engaged"/> for sessions <paramref name="firstSession"/> … <paramref name="firstSession"/> +
    /// <paramref name="count"/> − 1 (all of <paramref name="sessionQuery"/> when <paramref name="count"/> is −1), whose
    /// queries are <paramref name="sessionQuery"/>[0 … count − 1]; array index 0 is session <paramref name="firstSession"/>.
    /// Calls <paramref name="observe"/> for every shown product (grouped by query within the call) and reports the
    /// number of sessions done overall (<paramref name="firstSession"/> + the ones of this call).
    /// </summary>
    public void Simulate(int[] sessionQuery, int[] shown, bool[] engaged, IProgress<long>? sessionsDone = null, Action<SampledImpression>? observe = null,
        int firstSession = 0, int count = -1)
    {
        if (count < 0) count = sessionQuery.Length;
        int k = settings.ShownPerSession;
        if (count > sessionQuery.Length || (long)count * k > shown.Length || (long)count * k > engaged.Length)
            throw new ArgumentException($"{count} sessions do not fit the given arrays", nameof(count));
        var (start, order) = GroupByQuery(sessionQuery, count);
        long done = firstSession;
        for (int q = 0; q < queries.Count; q++)
        {
            if (start[q] == start[q + 1]) continue;
            var pools = new CandidatePools(catalog, taxonomy, queries[q].Intent, queries[q].Language);
            for (int j = start[q]; j < start[q + 1]; j++)
            {
                int i = order[j], s = firstSession + i;
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
                    shown[i * k + pos - 1] = p;
                    engaged[i * k + pos - 1] = e;
                    observe?.Invoke(new SampledImpression(s, q, p, pos, r, a, prob, e));
                }
                if (++done % 1000 == 0) sessionsDone?.Report(done);
            }
        }
        if (done % 1000 != 0 || count == 0) sessionsDone?.Report(done);
    }

    /// <summary>Sessions 0 … count − 1 grouped by query (counting sort, ascending within a query): query q's are order[start[q] … start[q+1] − 1].</summary>
    private (int[] Start, int[] Order) GroupByQuery(int[] sessionQuery, int count)
    {
        var start = new int[queries.Count + 1];
        for (int i = 0; i < count; i++) start[sessionQuery[i] + 1]++;
        for (int q = 0; q < queries.Count; q++) start[q + 1] += start[q];
        var next = start[..^1];
        var order = new int[count];
        for (int i = 0; i < count; i++) order[next[sessionQuery[i]]++] = i;
        return (start, order);
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

/// <summary>
/// Draws session queries by Zipf popularity one after another (<see cref="SessionSimulator.SessionQueries"/>): the
/// same sequence as <see cref="SessionSimulator.DrawSessionQueries"/>, holding one random stream and the cumulative
/// popularity (a double per query) instead of an int per session.
/// </summary>
public sealed class SessionQueryDraw
{
    private readonly SimRandom _rng;
    private readonly double[] _cumulative;
    private readonly double _total;

    internal SessionQueryDraw(WorldSettings settings, int queryCount)
    {
        var rankOf = Enumerable.Range(0, queryCount).ToArray();
        _rng = SimRandom.For(settings.Seed, "query-popularity");
        _rng.Shuffle(rankOf); // popularity rank is unrelated to query order or kind
        _cumulative = new double[queryCount];
        double total = 0;
        for (int q = 0; q < queryCount; q++)
        {
            total += Math.Pow(rankOf[q] + 1, -settings.QueryZipfExponent);
            _cumulative[q] = total;
        }
        _total = total;
    }

    /// <summary>The query index of the next session.</summary>
    public int Next()
    {
        double u = _rng.NextDouble() * _total;
        int k = Array.BinarySearch(_cumulative, u);
        return Math.Min(k >= 0 ? k + 1 : ~k, _cumulative.Length - 1);
    }
}
