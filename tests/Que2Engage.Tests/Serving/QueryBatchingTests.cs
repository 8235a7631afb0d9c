using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Serving;

/// <summary>Dynamic micro-batching of query embeddings: same answers as one-by-one, real batches under concurrency.</summary>
public sealed class QueryBatchingTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();
    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The trigram model, counting its query calls and slowed down a little so concurrent queries pile up.</summary>
    private sealed class CountingModel(int delayMs) : IEmbeddingModel
    {
        private readonly TrigramEmbedder _inner = new(64);
        private int _calls;
        public int Calls => _calls;
        public int Dimension => _inner.Dimension;
        public float[][] EmbedQueries(IReadOnlyList<string> queries)
        {
            Interlocked.Increment(ref _calls);
            Thread.Sleep(delayMs);
            return _inner.EmbedQueries(queries);
        }
        public float[][] EmbedProducts(IReadOnlyList<Product> products) => _inner.EmbedProducts(products);
    }

    [Fact]
    public async Task BatchedEmbeddingsEqualOneByOneAndBatchesForm()
    {
        var model = new CountingModel(delayMs: 5);
        using var batcher = new QueryEmbeddingBatcher(model, model.Dimension, maxBatch: 8, maxWait: TimeSpan.FromMilliseconds(2));
        var queries = Enumerable.Range(0, 40).Select(i => $"red sofa number {i}").ToArray();
        var vectors = await Task.WhenAll(queries.Select(q => Task.Run(() => batcher.EmbedAsync(q))));
        // Equal to the one-by-one embedding up to float rounding (a batch may normalise with another summation order).
        for (int i = 0; i < queries.Length; i++)
        {
            var one = new TrigramEmbedder(64).Embed(queries[i]);
            Assert.Equal(one.Length, vectors[i].Length);
            for (int j = 0; j < one.Length; j++) Assert.Equal(one[j], vectors[i][j], 1e-6f);
        }
        Assert.Equal(40, batcher.Queries);
        Assert.True(batcher.Batches < 40, $"{batcher.Batches} model calls for 40 concurrent queries");
        Assert.Equal(batcher.Batches, model.Calls);
    }

    [Fact]
    public async Task AFailingModelFailsEveryQueryOfTheBatchAndTheBatcherGoesOn()
    {
        var failing = new FailingOnce();
        using var batcher = new QueryEmbeddingBatcher(failing, 64);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.EmbedAsync("boom"));
        Assert.Equal(64, (await batcher.EmbedAsync("fine")).Length);
    }

    private sealed class FailingOnce : IEmbeddingModel
    {
        private int _calls;
        public int Dimension => 64;
        public float[][] EmbedQueries(IReadOnlyList<string> queries) =>
            Interlocked.Increment(ref _calls) == 1 ? throw new InvalidOperationException("model failed") : queries.Select(new TrigramEmbedder(64).Embed).ToArray();
        public float[][] EmbedProducts(IReadOnlyList<Product> products) => throw new NotSupportedException();
    }

    [Fact]
    public async Task ConcurrentSearchesReturnTheSameHitsWithBatchingOnAndOff()
    {
        var model = new CountingModel(delayMs: 2);
        var dir = Path.Combine(_root, "idx");
        CatalogIndex.Build(TestCatalog.Small().Concat(TestCatalog.Generated(200, 9)).ToList(), model, dir, new IndexBuildOptions { M = 8, EfConstruction = 40 });
        using var index = CatalogIndex.Open(dir);
        string[] queries = ["red leather sofa", "oak table", "mountain bike", "iphone", "winterjacke", "vintage lamp 3", "blue chair", "canape cuir"];

        async Task<Dictionary<string, string>> Answers(bool batching)
        {
            await using var app = SearchServer.Build(index, model, new SearchServerOptions { Port = 0, QueryBatching = batching });
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            var requests = Enumerable.Range(0, 48).Select(i => queries[i % queries.Length]).ToArray();
            var bodies = await Task.WhenAll(requests.Select(async q =>
            {
                var doc = await http.GetFromJsonAsync<JsonElement>($"/search?q={Uri.EscapeDataString(q)}&k=8");
                var hits = string.Join(",", doc.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("product_id").GetString() + ":" + h.GetProperty("score").GetDouble().ToString("R")));
                return (q, hits);
            }));
            foreach (var group in bodies.GroupBy(b => b.q)) Assert.Single(group.Select(b => b.hits).Distinct()); // every repeat agrees
            if (batching)
            {
                var metrics = await http.GetStringAsync("/metrics");
                Assert.Contains("q2e_query_embeddings_total 48", metrics);
            }
            await app.StopAsync();
            return bodies.GroupBy(b => b.q).ToDictionary(g => g.Key, g => g.First().hits);
        }

        var off = await Answers(batching: false);
        int callsOff = model.Calls;
        var on = await Answers(batching: true);
        int callsOn = model.Calls - callsOff;
        Assert.Equal(off, on);
        Assert.Equal(48, callsOff);
        Assert.True(callsOn < 48, $"{callsOn} model calls for 48 concurrent searches with batching");
    }
}
