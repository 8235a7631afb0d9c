using Que2Engage.Data;
using Que2Engage.Retrieval;

namespace Que2Engage.Evaluation;

/// <summary>Relevance AUC of BM25 alone and of the hybrid (RRF of BM25 and the model's vector list) on the rated pairs.</summary>
public sealed record LexicalBaselineResult(double Bm25RelevanceAuc, double HybridRelevanceAuc, int Pairs, int Depth);

/// <summary>
/// Scores the same rated pairs as the model's relevance AUC with the project's own lexical and hybrid retrieval, so
/// every table can show what BM25 and today's hybrid serving get on the same data: the catalogue goes into a
/// <see cref="LexicalIndex"/> (BM25, title/description/category, in a temporary directory); for each rated query the
/// top <c>depth</c> BM25 hits and the top <c>depth</c> vector hits are taken, and a pair scores its BM25 score (BM25)
/// or its fused reciprocal-rank score (<see cref="ResultFusion"/>, RRF k = 60, as hybrid search, <see cref="Retrieval.SearchMode.Hybrid"/>);
/// a product outside a list contributes 0 for that list.
/// </summary>
public static class LexicalBaselines
{
    public const int DefaultDepth = 1000;

    public static LexicalBaselineResult Score(IReadOnlyList<Product> products, float[][] productVectors,
        IReadOnlyDictionary<string, float[]> queryVectors, IReadOnlyList<RelevanceJudgment> relevance, int depth = DefaultDepth,
        FusionOptions? fusion = null)
    {
        fusion ??= new FusionOptions();
        depth = Math.Min(depth, products.Count);
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < products.Count; i++) ordinals.TryAdd(products[i].ProductId, i);
        var byQuery = relevance.Where(r => ordinals.ContainsKey(r.ProductId) && queryVectors.ContainsKey(r.Query))
            .GroupBy(r => r.Query, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();

        string dir = Path.Combine(Path.GetTempPath(), "que2engage-bm25-" + Guid.NewGuid().ToString("N"));
        var bm25 = new List<double>();
        var hybrid = new List<double>();
        var labels = new List<bool>();
        try
        {
            LexicalIndex.Write(dir, products.Select((p, i) => (i, p)));
            using var index = LexicalIndex.Open(dir);
            var search = VectorIndexKind.Flat.Of(productVectors);
            foreach (var group in byQuery)
            {
                var lexical = index.Search(group.Key, depth);
                var vector = search.Search(queryVectors[group.Key], depth);
                var fused = ResultFusion.Fuse(vector, lexical, int.MaxValue, fusion).ToDictionary(h => h.Ordinal);
                var lexicalScores = new Dictionary<int, float>();
                foreach (var h in lexical) lexicalScores.TryAdd(h.Ordinal, h.Score);
                foreach (var r in group)
                {
                    int o = ordinals[r.ProductId];
                    bm25.Add(lexicalScores.GetValueOrDefault(o));
                    hybrid.Add(fused.TryGetValue(o, out var f) ? f.Score : 0);
                    labels.Add(r.Rating == 2);
                }
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return new LexicalBaselineResult(RocAuc.Compute(bm25, labels), RocAuc.Compute(hybrid, labels), labels.Count, depth);
    }
}
