using System.Buffers.Binary;
using System.Numerics.Tensors;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

/// <summary>The int8 walk with exact re-rank, the parallel build, and the version-2 file format of <see cref="HnswIndex"/>.</summary>
public class HnswInt8Tests : IDisposable
{
    private readonly string _dir = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly HnswOptions Int8Options = new() { M = 12, EfConstruction = 80, Quantization = VectorQuantization.Int8 };

    private static float[] Flatten(float[][] rows) => rows.SelectMany(r => r).ToArray();

    private static HnswIndex BuildRows(float[][] data, HnswOptions options, int threads)
    {
        var index = new HnswIndex(data[0].Length, options);
        index.AddRows(Flatten(data), threads);
        return index;
    }

    private static double Recall(HnswIndex index, float[][] data, float[][] queries, int ef)
    {
        var flat = new FlatIndex(data[0].Length) { MaxDegreeOfParallelism = 1 };
        flat.AddRange(data);
        double found = 0;
        foreach (var q in queries)
        {
            var truth = flat.Search(q, 10).Select(h => h.Id).ToHashSet();
            found += index.Search(q, 10, new SearchParameters(ef)).Count(h => truth.Contains(h.Id));
        }
        return found / (10.0 * queries.Length);
    }

    /// <summary>
    /// Half a recall point on random data. Tight clusters of ~130 points are the hard case at this tiny size (the 10th
    /// and 11th neighbours differ by about one code step), so there the bound is 1.5 points; at 100k vectors the gap is
    /// within 0.002 at every ef (BENCHMARKS.md, `bench index`).
    /// </summary>
    [Theory]
    [InlineData("random", 20, 0.005)]
    [InlineData("random", 40, 0.005)]
    [InlineData("clustered", 20, 0.015)]
    [InlineData("clustered", 40, 0.015)]
    public void Int8RecallStaysCloseToTheFloatWalkOnTheSameGraph(string kind, int ef, double tolerance)
    {
        var data = kind == "random" ? VectorData.Random(4000, 32, 101) : VectorData.Clustered(4000, 32, 30, 0.1f, 102);
        var queries = kind == "random" ? VectorData.Random(200, 32, 103) : VectorData.Clustered(200, 32, 30, 0.1f, 102 + 1000);
        var index = BuildRows(data, Int8Options, threads: 1);
        Assert.True(index.IsQuantized);
        index.QuantizedWalk = false;
        double floatRecall = Recall(index, data, queries, ef);
        index.QuantizedWalk = true;
        double int8Recall = Recall(index, data, queries, ef);
        Assert.True(int8Recall >= floatRecall - tolerance, $"ef {ef}: int8 recall@10 {int8Recall:F4}, float {floatRecall:F4}");
    }

    [Fact]
    public void Int8HitsCarryTheExactFloatScores()
    {
        var data = VectorData.Random(2000, 24, 104);
        var index = BuildRows(data, Int8Options, threads: 1);
        foreach (var q in VectorData.Random(20, 24, 105))
        {
            var hits = index.Search(q, 10, new SearchParameters(30));
            Assert.Equal(10, hits.Count);
            foreach (var h in hits) Assert.Equal(TensorPrimitives.Dot(q, data[h.Id]), h.Score);
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        }
    }

    [Fact]
    public void AnUnnormalisedExtraCoordinateIsQuantisedOnItsOwnRange()
    {
        // Unit-length 16-d embeddings plus a 17th coordinate in [-4, 4] (the engagement prior): a global range would
        // leave the unit-length part only a few code levels; per-dimension ranges keep it.
        var rng = new Random(106);
        var data = VectorData.Random(3000, 16, 107).Select(v => v.Append((float)(rng.NextDouble() * 8 - 4)).ToArray()).ToArray();
        var queries = VectorData.Random(150, 16, 108).Select(v => v.Append(0.2f).ToArray()).ToArray();
        var index = BuildRows(data, Int8Options, threads: 1);
        index.QuantizedWalk = false;
        double floatRecall = Recall(index, data, queries, 40);
        index.QuantizedWalk = true;
        double int8Recall = Recall(index, data, queries, 40);
        Assert.True(int8Recall >= floatRecall - 0.005, $"int8 {int8Recall:F4}, float {floatRecall:F4}");
    }

    [Fact]
    public void OneThreadAddRowsBuildsTheGraphOfTheAddLoop()
    {
        var data = VectorData.Random(700, 16, 109);
        var options = new HnswOptions { M = 8, EfConstruction = 40, Seed = 3 };
        var loop = new HnswIndex(16, options);
        loop.AddRange(data);
        var rows = BuildRows(data, options, threads: 1);
        Assert.Equal(loop.EntryPoint, rows.EntryPoint);
        for (int i = 0; i < data.Length; i++)
            for (int l = 0; l <= loop.LevelOf(i); l++) Assert.Equal(loop.NeighboursOf(i, l), rows.NeighboursOf(i, l));
    }

    [Fact]
    public void TwoThreadBuildHasTheRecallOfTheOneThreadBuild()
    {
        var data = VectorData.Clustered(5000, 32, 40, 0.1f, 110);
        var queries = VectorData.Clustered(200, 32, 40, 0.1f, 110 + 1000);
        var options = new HnswOptions { M = 12, EfConstruction = 80 };
        var serial = BuildRows(data, options, threads: 1);
        var parallel = BuildRows(data, options, threads: 2);
        Assert.Equal(data.Length, parallel.Count);
        for (int i = 0; i < data.Length; i++)
        {
            Assert.Equal(serial.LevelOf(i), parallel.LevelOf(i)); // levels are drawn in id order before insertion
            for (int l = 0; l <= parallel.LevelOf(i); l++)
            {
                var links = parallel.NeighboursOf(i, l);
                Assert.InRange(links.Length, l == 0 ? 1 : 0, l == 0 ? 24 : 12); // upper layers may hold a lone node
                Assert.DoesNotContain(i, links);
                Assert.Equal(links.Length, links.Distinct().Count());
            }
        }
        // The two-thread graph depends on how the threads interleave, so its recall is a draw like another seed's. On this
        // data the one-thread build's recall spans 4 points across seeds at ef 10 and 1.5 at ef 40, and the two-thread
        // build of the same seed lands within 1.1 points of it (12 seeds measured); a 1-point bound failed in CI at
        // 0.880 against 0.870. So: no worse than 2.5 points, and an absolute floor that a broken graph cannot reach.
        foreach (var (ef, floor) in new[] { (10, 0.50), (40, 0.82) })
        {
            double s = Recall(serial, data, queries, ef), p = Recall(parallel, data, queries, ef);
            Assert.True(p >= s - 0.025 && p >= floor, $"ef {ef}: 1 thread {s:F4}, 2 threads {p:F4} (floor {floor})");
        }
        // The parallel graph is saved and validated like any other.
        var path = Path.Combine(_dir, "p.idx");
        parallel.Save(path);
        Assert.Equal(parallel.Search(queries[0], 10), HnswIndex.Load(path).Search(queries[0], 10));
    }

    [Fact]
    public void Int8IndexRoundTripsWithItsCodes()
    {
        var data = VectorData.Random(1500, 20, 111);
        var index = new HnswIndex(20, Int8Options with { M = 8, EfConstruction = 40, DefaultEf = 20 });
        index.AddRange(data); // Add loop: not yet quantised, Save fits the quantiser
        Assert.False(index.IsQuantized);
        var path = Path.Combine(_dir, "q.idx");
        index.Save(path);
        Assert.True(index.IsQuantized);
        var loaded = HnswIndex.Load(path);
        Assert.Equal(VectorQuantization.Int8, loaded.Quantization);
        Assert.True(loaded.IsQuantized);
        foreach (var q in VectorData.Random(30, 20, 112)) Assert.Equal(index.Search(q, 10), loaded.Search(q, 10));

        // A vector added after loading is encoded with the stored ranges and found by the int8 walk.
        var extra = VectorData.Random(1, 20, 113)[0];
        int id = loaded.Add(extra);
        Assert.Equal(id, loaded.Search(extra, 1)[0].Id);
        // A flipped code byte (the last body byte) is caught by the checksum.
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<InvalidInputException>(() => HnswIndex.Load(path)).Message);
    }

    /// <summary>Rewrites a version-2 float HNSW file as the version-1 layout (no quantization field), as older builds wrote it.</summary>
    private static byte[] AsVersion1(byte[] v2)
    {
        const int quantFieldOffset = 32 + 5 * 4 + 2 * 8;
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(v2.AsSpan(quantFieldOffset)));
        var v1 = v2[..quantFieldOffset].Concat(v2[(quantFieldOffset + 4)..^4]).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(8), 1);
        BinaryPrimitives.WriteInt64LittleEndian(v1.AsSpan(24), BinaryPrimitives.ReadInt64LittleEndian(v1.AsSpan(24)) - 4);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(v1);
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        return v1.Concat(trailer).ToArray();
    }

    [Fact]
    public void AVersion1FileStillLoads()
    {
        var data = VectorData.Random(900, 16, 114);
        var index = new HnswIndex(16, new HnswOptions { M = 8, EfConstruction = 40 });
        index.AddRange(data);
        var path = Path.Combine(_dir, "v2.idx");
        index.Save(path);
        var oldPath = Path.Combine(_dir, "v1.idx");
        File.WriteAllBytes(oldPath, AsVersion1(File.ReadAllBytes(path)));
        var old = HnswIndex.Load(oldPath);
        Assert.Equal(VectorQuantization.None, old.Quantization);
        foreach (var q in VectorData.Random(20, 16, 115)) Assert.Equal(index.Search(q, 10), old.Search(q, 10));
    }

    [Fact]
    public void QuantizedDotProductMatchesTheFloatInnerProduct()
    {
        var data = VectorData.Random(300, 40, 116);
        var q = ScalarQuantizer.Fit(Flatten(data), 40, data.Length, data.Length);
        Assert.Equal(48, q.Stride);
        var query = VectorData.Random(1, 40, 117)[0];
        var weights = new short[q.Stride];
        q.PrepareQuery(query, weights, out float factor, out float offset);
        for (int i = 0; i < data.Length; i++)
        {
            int dot = ScalarQuantizer.Dot(q.Codes.AsSpan(i * q.Stride, q.Stride), weights);
            int scalar = 0;
            for (int d = 0; d < q.Stride; d++) scalar += q.Codes[i * q.Stride + d] * weights[d];
            Assert.Equal(scalar, dot);
            Assert.InRange(offset + factor * dot - TensorPrimitives.Dot(query, data[i]), -0.03f, 0.03f);
        }
    }

    [Theory]
    [InlineData(VectorQuantization.None)]
    [InlineData(VectorQuantization.Int8)]
    public void AMemoryMappedIndexAnswersLikeTheLoadedOneAndCopiesOnTheFirstAdd(VectorQuantization quantization)
    {
        var data = VectorData.Random(1200, 24, 118);
        var index = BuildRows(data, Int8Options with { M = 8, EfConstruction = 40, Quantization = quantization }, threads: 1);
        var path = Path.Combine(_dir, "m.idx");
        index.Save(path);
        var mapped = (HnswIndex)VectorIndexFile.Load(path, memoryMap: true);
        Assert.True(mapped.IsMemoryMapped);
        var queries = VectorData.Random(20, 24, 119);
        foreach (var q in queries) Assert.Equal(index.Search(q, 10), mapped.Search(q, 10));
        Assert.Equal(data[77], mapped.GetVector(77).ToArray());

        var extra = VectorData.Random(1, 24, 120)[0];
        int id = mapped.Add(extra);
        Assert.False(mapped.IsMemoryMapped);
        Assert.Equal(id, mapped.Search(extra, 1)[0].Id);
        Assert.Equal(data[77], mapped.GetVector(77).ToArray());

        var flatPath = Path.Combine(_dir, "f.idx");
        var flat = new FlatIndex(24);
        flat.AddRange(data);
        flat.Save(flatPath);
        var mappedFlat = (FlatIndex)VectorIndexFile.Load(flatPath, memoryMap: true);
        Assert.True(mappedFlat.IsMemoryMapped);
        foreach (var q in queries) Assert.Equal(flat.Search(q, 10), mappedFlat.Search(q, 10));
    }
}
