using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class HnswIndexTests
{
    private static double RecallAt10(IVectorIndex approx, FlatIndex exact, float[][] queries, int ef)
    {
        double found = 0;
        foreach (var q in queries)
        {
            var truth = exact.Search(q, 10).Select(h => h.Id).ToHashSet();
            found += approx.Search(q, 10, new SearchParameters(ef)).Count(h => truth.Contains(h.Id));
        }
        return found / (10.0 * queries.Length);
    }

    private static (HnswIndex, FlatIndex) Build(float[][] data, HnswOptions options)
    {
        var hnsw = new HnswIndex(data[0].Length, options);
        var flat = new FlatIndex(data[0].Length);
        hnsw.AddRange(data);
        flat.AddRange(data);
        return (hnsw, flat);
    }

    [Fact]
    public void RecallOnRandomDataIsAtLeast95Percent()
    {
        var (hnsw, flat) = Build(VectorData.Random(5000, 32, 11), new HnswOptions { M = 16, EfConstruction = 100 });
        var queries = VectorData.Random(200, 32, 12);
        double recall = RecallAt10(hnsw, flat, queries, ef: 100);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
        // A tiny beam must be worse than a wide one: the ef knob is real.
        Assert.True(RecallAt10(hnsw, flat, queries, ef: 10) < recall);
    }

    [Fact]
    public void RecallOnClusteredDataIsAtLeast95Percent()
    {
        var data = VectorData.Clustered(5000, 32, clusters: 40, spread: 0.08f, seed: 13);
        var (hnsw, flat) = Build(data, new HnswOptions { M = 12, EfConstruction = 100 });
        var queries = VectorData.Clustered(200, 32, clusters: 40, spread: 0.08f, seed: 13 + 1000);
        double recall = RecallAt10(hnsw, flat, queries, ef: 100);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
    }

    [Fact]
    public void SameSeedAndOrderGiveTheSameGraph()
    {
        var data = VectorData.Random(800, 16, 21);
        var options = new HnswOptions { M = 8, EfConstruction = 40, Seed = 7 };
        var (a, _) = Build(data, options);
        var (b, _) = Build(data, options);
        var (c, _) = Build(data, options with { Seed = 8 });
        Assert.Equal(a.EntryPoint, b.EntryPoint);
        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal(a.LevelOf(i), b.LevelOf(i));
            for (int l = 0; l <= a.LevelOf(i); l++) Assert.Equal(a.NeighboursOf(i, l), b.NeighboursOf(i, l));
        }
        Assert.NotEqual(Enumerable.Range(0, data.Length).Select(a.LevelOf), Enumerable.Range(0, data.Length).Select(c.LevelOf));
    }

    [Fact]
    public void LinksRespectTheDegreeBoundsAndLevelsFollowTheLaw()
    {
        var (hnsw, _) = Build(VectorData.Random(2000, 16, 31), new HnswOptions { M = 8, EfConstruction = 50 });
        int aboveZero = 0;
        for (int i = 0; i < hnsw.Count; i++)
        {
            Assert.InRange(hnsw.NeighboursOf(i, 0).Length, 1, 16);
            for (int l = 1; l <= hnsw.LevelOf(i); l++) Assert.InRange(hnsw.NeighboursOf(i, l).Length, 0, 8);
            Assert.DoesNotContain(i, hnsw.NeighboursOf(i, 0));
            if (hnsw.LevelOf(i) > 0) aboveZero++;
        }
        // P(level ≥ 1) = 1/M = 0.125 → 250 of 2000 expected.
        Assert.InRange(aboveZero, 180, 320);
        Assert.Equal(hnsw.MaxLevel, hnsw.LevelOf(hnsw.EntryPoint));
    }

    [Fact]
    public void EmptyIndexTinyIndexAndKAboveCount()
    {
        var hnsw = new HnswIndex(8);
        Assert.Empty(hnsw.Search(new float[8], 3));
        var data = VectorData.Random(5, 8, 41);
        hnsw.AddRange(data);
        var hits = hnsw.Search(data[2], 10);
        Assert.Equal(5, hits.Count);
        Assert.Equal(2, hits[0].Id);
        Assert.Equal(5, hits.Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public void ConcurrentSearchesGiveTheSameAnswersAsSequentialOnes()
    {
        var (hnsw, _) = Build(VectorData.Random(3000, 16, 51), new HnswOptions { M = 8, EfConstruction = 60 });
        var queries = VectorData.Random(64, 16, 52);
        var expected = queries.Select(q => hnsw.Search(q, 10, new SearchParameters(50))).ToArray();
        var actual = new IReadOnlyList<VectorHit>[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => actual[i] = hnsw.Search(queries[i], 10, new SearchParameters(50)));
        for (int i = 0; i < queries.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void RejectsBadOptions()
    {
        Assert.Throws<InvalidInputException>(() => new HnswIndex(8, new HnswOptions { M = 1 }));
        Assert.Throws<InvalidInputException>(() => new HnswIndex(8, new HnswOptions { EfConstruction = 0 }));
    }
}
