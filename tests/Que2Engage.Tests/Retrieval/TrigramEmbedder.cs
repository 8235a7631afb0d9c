using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Tests.Retrieval;

/// <summary>
/// A deterministic stand-in for a trained model: hashed character trigrams (FNV-1a 64, signed) of the lower-cased
/// text, L2-normalised. Similar spellings get similar vectors, which is all retrieval tests need.
/// </summary>
public sealed class TrigramEmbedder : IEmbeddingModel
{
    public TrigramEmbedder(int dimension = 64) => Dimension = dimension;

    public int Dimension { get; }
    public int ProductCalls { get; private set; }

    public float[][] EmbedQueries(IReadOnlyList<string> queries) => queries.Select(Embed).ToArray();

    public float[][] EmbedProducts(IReadOnlyList<Product> products)
    {
        ProductCalls++;
        return products.Select(p => Embed(p.Title + " " + p.Category)).ToArray();
    }

    public float[] Embed(string text)
    {
        var v = new float[Dimension];
        var s = " " + text.ToLowerInvariant() + " ";
        for (int i = 0; i + 3 <= s.Length; i++)
        {
            ulong h = 14695981039346656037UL;
            for (int j = i; j < i + 3; j++) { h ^= s[j]; h *= 1099511628211UL; }
            v[(int)(h % (ulong)Dimension)] += (h >> 63) == 0 ? 1f : -1f;
        }
        double norm = Math.Sqrt(v.Sum(x => (double)x * x));
        if (norm == 0) { v[0] = 1; return v; }
        for (int d = 0; d < v.Length; d++) v[d] = (float)(v[d] / norm);
        return v;
    }
}
