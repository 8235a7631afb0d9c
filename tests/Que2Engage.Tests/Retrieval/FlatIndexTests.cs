using System.Numerics.Tensors;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class FlatIndexTests
{
    private static List<VectorHit> BruteForce(float[][] data, float[] q, int k) =>
        data.Select((v, i) => new VectorHit(i, TensorPrimitives.Dot(q, v)))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id).Take(k).ToList();

    [Fact]
    public void ReturnsTheExactTopKBestFirst()
    {
        var data = VectorData.Random(500, 16, 1);
        var index = new FlatIndex(16);
        index.AddRange(data);
        var q = VectorData.Random(1, 16, 2)[0];
        var hits = index.Search(q, 7);
        Assert.Equal(BruteForce(data, q, 7), hits);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void ParallelScanOfALargeCatalogEqualsTheSequentialOne()
    {
        var data = VectorData.Random(20_000, 64, 3); // 1.28M floats: above the parallel threshold
        var index = new FlatIndex(64);
        index.AddRange(data);
        var q = VectorData.Random(1, 64, 4)[0];
        var parallel = index.Search(q, 25);
        index.MaxDegreeOfParallelism = 1;
        var sequential = index.Search(q, 25);
        Assert.Equal(sequential, parallel);
        Assert.Equal(BruteForce(data, q, 25), sequential);
    }

    [Fact]
    public void EmptyIndexAndKAboveCount()
    {
        var index = new FlatIndex(8);
        Assert.Empty(index.Search(new float[8], 5));
        index.AddRange(VectorData.Random(3, 8, 5));
        Assert.Equal(3, index.Search(VectorData.Random(1, 8, 6)[0], 10).Count);
    }

    [Fact]
    public void RejectsWrongDimensionAndBadK()
    {
        var index = new FlatIndex(8);
        Assert.Throws<InvalidInputException>(() => index.Add(new float[7]));
        Assert.Throws<InvalidInputException>(() => index.Search(new float[9], 1));
        Assert.Throws<InvalidInputException>(() => index.Search(new float[8], 0));
    }
}

/// <summary>The flat index as the evaluator's exact top-k (these were the tests of Evaluation's ExactTopKSearch).</summary>
public class FlatIndexExactTopKTests
{
    [Fact]
    public void MatchesFullSortOnRandomVectors()
    {
        var rng = new Random(3);
        float[][] rows = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray()).ToArray();
        var search = FlatIndex.Of(rows);
        for (int t = 0; t < 5; t++)
        {
            float[] q = Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var expected = rows.Select((r, i) => (i, s: r.Zip(q, (a, b) => a * b).Sum()))
                .OrderByDescending(x => x.s).Take(17).Select(x => x.i).ToArray();
            var hits = search.Search(q, 17);
            Assert.Equal(expected, hits.Select(h => h.Id).ToArray());
            for (int i = 1; i < hits.Count; i++) Assert.True(hits[i - 1].Score >= hits[i].Score);
        }
    }

    [Fact]
    public void BatchSearchEqualsOneByOneAcrossBlockBoundaries()
    {
        var rng = new Random(11);
        float[] Vec() => Enumerable.Range(0, 6).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var search = FlatIndex.Of(Enumerable.Range(0, 97).Select(_ => Vec()).ToArray());
        var queries = Enumerable.Range(0, 19).Select(_ => Vec()).ToList();
        var batch = search.SearchBatch(queries, 5);
        Assert.Equal(19, batch.Length);
        for (int q = 0; q < queries.Count; q++)
        {
            Assert.Equal(search.Search(queries[q], 5), batch[q]);
        }
    }

    [Fact]
    public void TiesPreferLowerIndexAndKBeyondCatalogueReturnsAll()
    {
        var search = FlatIndex.Of([[1f, 0f], [0f, 1f], [1f, 0f], [2f, 0f]]);
        Assert.Equal([3, 0, 2, 1], search.Search([1f, 0f], 10).Select(h => h.Id).ToArray());
        Assert.Equal([3, 0], search.Search([1f, 0f], 2).Select(h => h.Id).ToArray());
        Assert.Equal([3, 0, 2, 1], search.SearchBatch([[1f, 0f]], 10)[0].Select(h => h.Id).ToArray());
        Assert.Equal([3, 0], search.SearchBatch([[1f, 0f]], 2)[0].Select(h => h.Id).ToArray());
    }
}
