namespace Que2Engage.Retrieval;

/// <summary>Merges an EBR list and a BM25 list (both best first) into one list of <see cref="FusedHit"/>.</summary>
public static class ResultFusion
{
    public static IReadOnlyList<FusedHit> Fuse(IReadOnlyList<VectorHit> ebr, IReadOnlyList<LexicalHit> lexical, int k, FusionOptions options)
    {
        options.Validate();
        var byOrdinal = new Dictionary<int, Accumulator>();
        Accumulator Get(int ordinal) => byOrdinal.TryGetValue(ordinal, out var a) ? a : byOrdinal[ordinal] = new Accumulator();

        var (ebrMin, ebrMax) = Range(ebr.Select(h => h.Score));
        for (int i = 0; i < ebr.Count; i++)
        {
            var a = Get(ebr[i].Id);
            if (a.EbrRank is not null) continue;
            a.EbrRank = i + 1;
            a.EbrScore = ebr[i].Score;
            a.Fused += Contribution(options, options.EbrWeight, i + 1, ebr[i].Score, ebrMin, ebrMax);
        }
        var (lexMin, lexMax) = Range(lexical.Select(h => h.Score));
        for (int i = 0; i < lexical.Count; i++)
        {
            var a = Get(lexical[i].Ordinal);
            if (a.LexicalRank is not null) continue;
            a.LexicalRank = i + 1;
            a.LexicalScore = lexical[i].Score;
            a.Fused += Contribution(options, options.LexicalWeight, i + 1, lexical[i].Score, lexMin, lexMax);
        }

        return byOrdinal
            .Select(kv => new FusedHit(kv.Key, kv.Value.Fused,
                (kv.Value.EbrRank is null ? HitSources.None : HitSources.Ebr) | (kv.Value.LexicalRank is null ? HitSources.None : HitSources.Lexical),
                kv.Value.EbrScore, kv.Value.EbrRank, kv.Value.LexicalScore, kv.Value.LexicalRank))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Ordinal)
            .Take(k)
            .ToList();
    }

    /// <summary>A single-retriever list as fused hits, keeping that retriever's own score.</summary>
    public static IReadOnlyList<FusedHit> FromEbr(IReadOnlyList<VectorHit> ebr, int k) =>
        ebr.Take(k).Select((h, i) => new FusedHit(h.Id, h.Score, HitSources.Ebr, h.Score, i + 1, null, null)).ToList();

    public static IReadOnlyList<FusedHit> FromLexical(IReadOnlyList<LexicalHit> lexical, int k) =>
        lexical.Take(k).Select((h, i) => new FusedHit(h.Ordinal, h.Score, HitSources.Lexical, null, null, h.Score, i + 1)).ToList();

    private static double Contribution(FusionOptions o, double weight, int rank, float score, float min, float max) => o.Method switch
    {
        FusionMethod.WeightedScore => weight * (max > min ? (score - min) / (max - min) : 1.0),
        _ => weight / (o.RrfK + rank),
    };

    private static (float Min, float Max) Range(IEnumerable<float> scores)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var s in scores) { min = Math.Min(min, s); max = Math.Max(max, s); }
        return (min, max);
    }

    private sealed class Accumulator
    {
        public double Fused;
        public float? EbrScore, LexicalScore;
        public int? EbrRank, LexicalRank;
    }
}
