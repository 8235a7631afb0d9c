using Que2Engage.Common;
using Que2Engage.Serving;

namespace Que2Engage.Benchmarks;

/// <summary>
/// Varied marketplace-style queries for latency benchmarks: 1–6 words drawn from a small multilingual vocabulary,
/// with sizes, numbers and the odd typo, so lengths and token/trigram counts vary the way real queries do.
/// Deterministic for a seed (SplitMix64), so runs are comparable.
/// </summary>
public static class BenchmarkQueries
{
    private static readonly string[] Nouns =
    [
        "sofa", "couch", "table", "chair", "lamp", "bike", "phone", "jacket", "desk", "shelf", "bed", "mattress",
        "stroller", "guitar", "tv", "laptop", "camera", "boots", "dress", "wardrobe", "sofá", "mesa", "silla", "bicicleta",
        "canapé", "chaise", "vélo", "lampe", "Sofa", "Tisch", "Fahrrad", "Jacke", "divano", "tavolo", "bicicletta",
    ];
    private static readonly string[] Modifiers =
    [
        "red", "blue", "black", "white", "oak", "leather", "vintage", "modern", "small", "large", "kids", "electric",
        "wooden", "used", "new", "cheap", "rojo", "cuero", "rouge", "cuir", "rot", "Leder", "rosso", "pelle", "mountain",
        "gaming", "wireless", "folding", "antique", "outdoor",
    ];
    private static readonly string[] Extras = ["128gb", "29 inch", "size m", "xl", "2 seater", "queen", "iphone 12", "ikea", "3 drawer", "for sale"];

    public static string[] Generate(int count, ulong seed = 42)
    {
        if (count < 0) throw new InvalidInputException($"query count must be ≥ 0 (got {count})");
        var rng = new SplitMix64(seed);
        var queries = new string[count];
        var words = new List<string>(8);
        for (int i = 0; i < count; i++)
        {
            words.Clear();
            int modifiers = rng.NextInt(4);                 // 0–3 modifiers
            for (int m = 0; m < modifiers; m++) words.Add(Modifiers[rng.NextInt(Modifiers.Length)]);
            words.Add(Nouns[rng.NextInt(Nouns.Length)]);
            if (rng.NextInt(4) == 0) words.Add(Extras[rng.NextInt(Extras.Length)]);
            if (rng.NextInt(5) == 0 && words.Count < 6) words.Add(Nouns[rng.NextInt(Nouns.Length)]);
            string q = string.Join(' ', words);
            if (rng.NextInt(8) == 0 && q.Length > 3) q = Typo(q, ref rng);
            queries[i] = q;
        }
        return queries;
    }

    /// <summary>Swaps two neighbouring letters (the commonest typing slip).</summary>
    private static string Typo(string q, ref SplitMix64 rng)
    {
        int at = rng.NextInt(q.Length - 1);
        var chars = q.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        return new string(chars);
    }
}
