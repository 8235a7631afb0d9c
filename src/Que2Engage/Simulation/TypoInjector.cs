using System.Text;

namespace Que2Engage.Simulation;

/// <summary>Human-like misspellings: adjacent swap, dropped letter, doubled letter, neighbouring-key hit.</summary>
public static class TypoInjector
{
    private const string Rows = "qwertyuiop|asdfghjkl|zxcvbnm";

    /// <summary>One typo in a word of at least 4 letters; shorter words come back unchanged.</summary>
    public static string Misspell(string word, SimRandom rng)
    {
        if (word.Length < 4) return word;
        var sb = new StringBuilder(word);
        int i = 1 + rng.NextInt(word.Length - 2); // keep the first letter, as most typos do
        switch (rng.NextInt(4))
        {
            case 0:
                (sb[i], sb[i + 1]) = (sb[i + 1], sb[i]);
                if (sb.ToString() == word) sb.Remove(i, 1); // swapping equal letters would be no typo
                break;
            case 1: sb.Remove(i, 1); break;
            case 2: sb.Insert(i, sb[i]); break;
            default: sb[i] = Neighbour(sb[i], rng); break;
        }
        return sb.ToString();
    }

    /// <summary>Misspells each word of ≥ 4 letters with probability <paramref name="perWordRate"/>.</summary>
    public static string Sprinkle(string text, double perWordRate, SimRandom rng)
    {
        if (perWordRate <= 0) return text;
        var words = text.Split(' ');
        bool changed = false;
        for (int i = 0; i < words.Length; i++)
        {
            if (words[i].Length >= 4 && rng.Chance(perWordRate))
            {
                words[i] = Misspell(words[i], rng);
                changed = true;
            }
        }
        return changed ? string.Join(' ', words) : text;
    }

    private static char Neighbour(char c, SimRandom rng)
    {
        char lower = char.ToLowerInvariant(c);
        int k = Rows.IndexOf(lower);
        if (k < 0 || lower == '|') return c;
        int step = rng.Chance(0.5) ? -1 : 1;
        int j = k + step;
        if (j < 0 || j >= Rows.Length || Rows[j] == '|') j = k - step;
        char n = Rows[j];
        return char.IsUpper(c) ? char.ToUpperInvariant(n) : n;
    }
}
