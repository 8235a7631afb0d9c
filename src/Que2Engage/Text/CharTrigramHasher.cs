using Que2Engage.Common;

namespace Que2Engage.Text;

/// <summary>
/// Character trigrams of each normalised word padded as "#word#", hashed into [0, buckets). Feeds an EmbeddingBag
/// (Que2Search's query and title trigram features): robust to typos and inflection without a vocabulary.
/// </summary>
public sealed class CharTrigramHasher
{
    public int Buckets { get; }
    public int MaxTrigrams { get; }

    public CharTrigramHasher(int buckets, int maxTrigrams)
    {
        if (buckets < 1) throw new InvalidInputException($"trigram buckets must be ≥ 1 (got {buckets})");
        if (maxTrigrams < 1) throw new InvalidInputException($"max trigrams must be ≥ 1 (got {maxTrigrams})");
        Buckets = buckets;
        MaxTrigrams = maxTrigrams;
    }

    public CharTrigramHasher(TokenizerSettings settings) : this(settings.TrigramBuckets, settings.MaxTrigrams) { }

    /// <summary>Bucket ids of the text's trigrams in reading order (may be empty for empty text).</summary>
    public int[] Hash(string text)
    {
        var ids = new List<int>();
        foreach (var word in TextNormalizer.Words(text))
        {
            string padded = "#" + word + "#";
            var runes = padded.EnumerateRunes().Select(r => r.ToString()).ToArray();
            for (int i = 0; i + 3 <= runes.Length; i++)
            {
                if (ids.Count >= MaxTrigrams) return ids.ToArray();
                ids.Add(StableHash.Bucket(runes[i] + runes[i + 1] + runes[i + 2], Buckets));
            }
        }
        return ids.ToArray();
    }
}
