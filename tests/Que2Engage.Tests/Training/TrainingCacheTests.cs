using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Tests.Reliability;
using Que2Engage.Training;
using Que2Engage.Training.Cache;

namespace Que2Engage.Tests.Training;

/// <summary>
/// The training cache (issue 22): it holds exactly what the featurizer makes, it is rebuilt (never read) when stale,
/// damaged or unfinished, a bad row stops its build with file:row: field and leaves nothing behind, a log in parts
/// reads as one, and what training keeps in memory does not grow with the number of impressions.
/// </summary>
public sealed class TrainingCacheTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    private static ModelConfig Config(int imageDim = 8) => ToyWorld.TinyOptions().BuildModelConfig(imageDim);

    private static string WriteData(string dir, ToyWorld world, int parts = 1)
    {
        Directory.CreateDirectory(Path.Combine(dir, "train"));
        using (var w = DataWriters.Products(Path.Combine(dir, "products.parquet")))
            foreach (var p in world.Products) w.Write(p);
        var chunks = world.Train.Chunk((world.Train.Count + parts - 1) / parts).ToList();
        for (int k = 0; k < chunks.Count; k++)
        {
            string name = parts == 1 ? "impressions.jsonl" : $"impressions-{k:D3}.{(k % 2 == 0 ? "jsonl" : "parquet")}";
            using var w = DataWriters.Impressions(Path.Combine(dir, "train", name));
            foreach (var i in chunks[k]) w.Write(i);
        }
        return dir;
    }

    [Fact]
    public void TheCacheHoldsExactlyWhatTheFeaturizerMakes()
    {
        var world = new ToyWorld(trainSessions: 40);
        var config = Config();
        var stats = ContextStatistics.FromCatalogue(world.Products);
        using var set = TrainingCache.FromRows(world.Products, world.Train, config);
        Assert.Equal(8, set.ImageDim);
        Assert.Equal(stats.GlobalMedianPrice, set.ContextStatistics.GlobalMedianPrice);
        Assert.Equal(stats.CategoryMedianPrice, set.ContextStatistics.CategoryMedianPrice);
        Assert.Equal(DataIdentity.Of(world.Products, world.Train), set.Data);
        var featurizer = new Featurizer(config, stats);
        var products = set.Products(config, stats);
        for (int o = 0; o < world.Products.Count; o++)
        {
            var want = featurizer.Product(world.Products[o]);
            var got = products[o];
            Assert.Equal(want.Tokens, got.Tokens);
            Assert.Equal(want.TitleTrigrams, got.TitleTrigrams);
            Assert.Equal(want.Context, got.Context);
            Assert.Equal(want.Images.Length, got.Images.Length);
            for (int k = 0; k < want.Images.Length; k++) Assert.Equal(want.Images[k], got.Images[k]);
        }
        // Rows in log order; a query's ordinal gives its featurized text.
        var rows = set.AllImpressions;
        Assert.Equal(world.Train.Count, rows.Count);
        for (int i = 0; i < world.Train.Count; i++)
        {
            var x = rows[i];
            Assert.Equal(world.Train[i].ProductId, world.Products[x.Product].ProductId);
            Assert.Equal(world.Train[i].Engaged, x.Engaged);
            Assert.Equal(featurizer.Query(world.Train[i].Query).Tokens, set.Query(x.Query).Tokens);
            Assert.Equal(featurizer.Query(world.Train[i].Query).Trigrams, set.Query(x.Query).Trigrams);
        }
        Assert.Equal(world.Train.Count(i => i.Engaged), set.EngagedImpressions.Count);
    }

    [Fact]
    public void AHardNegativeIsAShownNotEngagedProductOfTheSameSession()
    {
        var world = new ToyWorld(trainSessions: 40);
        using var set = TrainingCache.FromRows(world.Products, world.Train, Config());
        var source = set.EngagedWithSessionNegatives(seed: 5);
        var engagedRows = world.Train.Where(i => i.Engaged).ToList();
        int withNegative = 0;
        for (int k = 0; k < source.Count; k++)
        {
            var x = source[k];
            Assert.Equal(x, set.EngagedWithSessionNegatives(seed: 5)[k]);   // a pure function of (seed, index)
            if (x.Negative < 0) continue;
            withNegative++;
            string session = engagedRows[k].SessionId;
            Assert.Contains(world.Train, i => i.SessionId == session && !i.Engaged && i.ProductId == world.Products[x.Negative].ProductId);
        }
        Assert.True(withNegative > source.Count / 2);
    }

    [Theory]
    [InlineData(1000, 1 << 20, 1 << 12)]   // one window: one shuffle of the epoch
    [InlineData(1000, 64, 8)]              // blocks and windows, the last block short
    [InlineData(4099, 1024, 64)]
    public void EveryEpochVisitsEveryExampleOnceAndAnyPositionIsAPureFunction(int count, int window, int block)
    {
        var order = new StreamOrder(count, seed: 11, window, block);
        var epochs = new List<int[]>();
        for (int e = 0; e < 3; e++)
        {
            var epoch = Enumerable.Range(0, count).Select(k => order[(long)e * count + k]).ToArray();
            Assert.Equal(Enumerable.Range(0, count), epoch.Order());
            epochs.Add(epoch);
        }
        Assert.NotEqual(epochs[0], epochs[1]);
        // Random access in a fresh instance (a resumed run) gives what the sequential pass gave.
        var fresh = new StreamOrder(count, seed: 11, window, block);
        foreach (long p in new long[] { 2L * count + 17, 5, count + count / 2, count - 1, 0 })
            Assert.Equal(epochs[(int)(p / count)][p % count], fresh[p]);
        Assert.NotEqual(epochs[0], Enumerable.Range(0, count).Select(k => new StreamOrder(count, seed: 12, window, block)[k]));
    }

    [Fact]
    public void OneWindowIsTheInMemorySamplersOrder()
    {
        // The order the trainer always had: a SplitMix64 shuffle of 0..N−1 seeded by (seed, epoch + 1).
        var expected = Enumerable.Range(0, 500).ToArray();
        var rng = Que2Engage.Common.SplitMix64.For(3, 2);
        rng.Shuffle(expected);
        var order = new StreamOrder(500, seed: 3);
        Assert.Equal(expected, Enumerable.Range(0, 500).Select(k => order[500 + k]));
    }

    [Fact]
    public void ACurrentCacheIsReusedAndAStaleDamagedOrUnfinishedOneIsRebuilt()
    {
        var world = new ToyWorld(trainSessions: 30);
        string data = WriteData(_s["d"], world);
        var notes = new List<string>();
        int Rows() { using var s = TrainingCache.Open(data, Config(0), ReadOptions.Strict, notes.Add); return (int)s.Header.Impressions; }

        Assert.Equal(world.Train.Count, Rows());
        Assert.Contains("built", notes[^1]);
        Assert.Equal(world.Train.Count, Rows());
        Assert.Contains("built before; data and cache checked", notes[^1]);
        string dir = TrainingCache.DirectoryFor(data, Config(0));

        // Stale: the log changed.
        using (var w = DataWriters.Impressions(Path.Combine(data, "train", "impressions.jsonl")))
            foreach (var i in world.Train.Take(60)) w.Write(i);
        Assert.Equal(60, Rows());
        Assert.Contains("the data files changed", string.Join("\n", notes));

        // Damaged: one flipped byte in a section.
        string section = Path.Combine(dir, CacheSections.Impressions);
        var bytes = File.ReadAllBytes(section);
        bytes[5] ^= 0x40;
        File.WriteAllBytes(section, bytes);
        notes.Clear();
        using (var s = TrainingCache.Open(data, Config(0), ReadOptions.Strict, notes.Add))
        {
            Assert.Contains(notes, n => n.Contains("rebuilding") && n.Contains("damaged") && n.Contains(CacheSections.Impressions));
            Assert.Equal(world.Train[0].ProductId, world.Products[s.AllImpressions[0].Product].ProductId);
        }

        // Unfinished: no cache.json (a build killed before its last write).
        File.Delete(Path.Combine(dir, TrainingCacheHeader.FileName));
        notes.Clear();
        Assert.Equal(60, Rows());
        Assert.Contains(notes, n => n.Contains("never finished"));

        // Another featurisation is another cache, side by side.
        var other = Config(0) with { DocMaxTokens = Config(0).DocMaxTokens - 1 };
        using (var s = TrainingCache.Open(data, other, ReadOptions.Strict, notes.Add))
            Assert.NotEqual(dir, s.Directory);
    }

    [Fact]
    public void ABadRowStopsTheBuildWithFileRowAndFieldAndLeavesNoCache()
    {
        var world = new ToyWorld(trainSessions: 10);
        string data = WriteData(_s["d"], world);
        File.AppendAllText(Path.Combine(data, "train", "impressions.jsonl"),
            "{\"session_id\":\"x\",\"query\":\"sofa\",\"product_id\":\"nope\",\"position\":1,\"engaged\":true}\n");
        var e = Assert.Throws<DataFormatException>(() => TrainingCache.Open(data, Config(0), ReadOptions.Strict));
        Assert.Contains($"impressions.jsonl:{world.Train.Count + 1}: product_id", e.Message);
        Assert.Contains("unknown product_id 'nope'", e.Message);
        string cacheRoot = Path.Combine(data, TrainingCache.DirectoryName);
        Assert.Empty(Directory.Exists(cacheRoot) ? Directory.EnumerateFileSystemEntries(cacheRoot) : []);

        // Lenient: skipped and counted, and a strict run does not take that cache as complete.
        using (var set = TrainingCache.Open(data, Config(0), ReadOptions.LenientMode))
        {
            Assert.Equal(world.Train.Count, set.Header.Impressions);
            Assert.Equal(1, set.Header.SkippedRows["train/impressions.jsonl"]);
        }
        Assert.Throws<DataFormatException>(() => TrainingCache.Open(data, Config(0), ReadOptions.Strict));
    }

    [Fact]
    public void ALogInPartsReadsAsOneLog()
    {
        var world = new ToyWorld(trainSessions: 30);
        string data = WriteData(_s["d"], world, parts: 3);
        using var set = TrainingCache.Open(data, Config(), ReadOptions.Strict);
        Assert.Equal(3, set.Header.Sources.Count(s => s.File.StartsWith("train/impressions-", StringComparison.Ordinal)));
        Assert.Equal(DataIdentity.Of(world.Products, world.Train), set.Data);
        // The rest of the library reads the parts too.
        Assert.Equal(world.Train.Count, MarketplaceDataset.Load(data).TrainImpressions.Count);
        // A whole file beside parts is ambiguous.
        File.WriteAllText(Path.Combine(data, "train", "impressions.jsonl"), "");
        Assert.Throws<InvalidInputException>(() => TrainingCache.Open(data, Config(), ReadOptions.Strict));
    }

    [Fact]
    public void WhatTrainingKeepsInMemoryDoesNotGrowWithTheImpressions()
    {
        // The same catalogue and queries, 10× the log: the managed memory a built, opened set and a warm sampler hold
        // stays put (the rows live in the mapped files). The in-memory path held ~430 bytes per impression.
        long Retained(int sessions)
        {
            var world = new ToyWorld(trainSessions: sessions);
            string data = WriteData(_s[$"m{sessions}"], world);
            world = null;
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            long before = GC.GetTotalMemory(forceFullCollection: true);
            using var set = TrainingCache.Open(data, Config(), ReadOptions.Strict);
            var sampler = new BatchSampler(set.AllImpressions, seed: 1, window: 4096, block: 256);
            var products = set.Products(Config(), set.ContextStatistics);
            for (long p = 0; p < set.AllImpressions.Count; p += 256)
                foreach (var x in sampler.Batch(p, 64)) { _ = products[x.Product]; _ = set.Query(x.Query); }
            long held = GC.GetTotalMemory(forceFullCollection: true) - before;
            GC.KeepAlive(sampler);
            return held;
        }
        Retained(300);   // JIT and first-use caches
        long small = Retained(500), large = Retained(5000);
        Assert.True(large - small < 256 * 1024, $"held {small:N0} bytes for 3,000 impressions and {large:N0} for 30,000");
    }
}
