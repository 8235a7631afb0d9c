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
