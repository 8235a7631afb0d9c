using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Serving;

/// <summary>PUT/DELETE /products/{id} and filtered /search on a real Kestrel on a loopback port.</summary>
public sealed class CatalogWriteServerTests : IAsyncLifetime
{
    private const string Key = "test-write-key-0123456789";
    private readonly string _root = VectorData.TempDir();
    private CatalogIndex _index = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    private string Idx => Path.Combine(_root, "idx");

    public async Task InitializeAsync()
    {
        var model = new TrigramEmbedder(64);
        CatalogIndex.Build(TestCatalog.Small().Concat(TestCatalog.Generated(200, 9)).ToList(), model, Idx,
            new IndexBuildOptions { M = 8, EfConstruction = 40 });
        // Low compaction thresholds, so the concurrency test also swaps generations under load.
        _index = CatalogIndex.OpenWritable(Idx, new CatalogWriteOptions { CompactMinTombstones = 100, CompactTombstoneFraction = 0.2 });
        _app = SearchServer.Build(_index, model, new SearchServerOptions { Port = 0, WriteKey = Key });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _index.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static object Record(string id, string title, double price = 100, string condition = "good") => new
    {
        product_id = id, title, description = "", category = "furniture", language = "en", price, condition,
        seller_rating = 4.5, seller_rating_count = 3, photo_count = 2, listing_age_days = 1.0, distance_km = 3.0,
    };

    private async Task<List<string>> SearchIds(string query, string extra = "")
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>($"/search?q={Uri.EscapeDataString(query)}&k=10{extra}");
        return doc.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("product_id").GetString()!).ToList();
    }

    [Fact]
    public async Task UpsertIsSearchableAtOnceAndDeleteRemovesIt()
    {
        var created = await _http.PutAsJsonAsync("/products/n1", Record("n1", "Turquoise velvet armchair"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("n1", (await SearchIds("turquoise velvet armchair"))[0]);
        Assert.Equal(HttpStatusCode.OK, (await _http.PutAsJsonAsync("/products/n1", Record("n1", "Turquoise velvet armchair", 20))).StatusCode);
        Assert.Equal("n1", (await SearchIds("turquoise velvet armchair", "&max_price=25"))[0]);
        Assert.DoesNotContain("n1", await SearchIds("turquoise velvet armchair", "&min_price=50"));

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync("/products/n1")).StatusCode);
        Assert.DoesNotContain("n1", await SearchIds("turquoise velvet armchair"));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync("/products/n1")).StatusCode);

        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("q2e_catalog_writes_total{op=\"upsert\"} 2", metrics);
        Assert.Contains("q2e_catalog_writes_total{op=\"delete\"} 2", metrics);
        Assert.Contains("q2e_http_requests_total{route=\"/products\",code=\"201\"} 1", metrics);
    }

    [Fact]
    public async Task WritesNeedTheBearerKey()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        var none = await anonymous.DeleteAsync("/products/p1");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.PutAsJsonAsync("/products/z", Record("z", "Zebra rug"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.DeleteAsync("/products/p1")).StatusCode);
        Assert.NotNull(_index.FindProduct("p1"));
        Assert.Null(_index.FindProduct("z"));

        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("q2e_catalog_write_rejects_total{reason=\"unauthorized\"} 1", metrics);
        Assert.Contains("q2e_catalog_write_rejects_total{reason=\"forbidden\"} 2", metrics);
    }

    [Theory]
    [InlineData("{\"product_id\":\"v1\",\"title\":\"Lamp\",\"language\":\"en\",\"price\":-1,\"condition\":\"good\",\"seller_rating_count\":0,\"photo_count\":0,\"listing_age_days\":0}",
        "price", "must be a finite number >= 0, got -1")]
    [InlineData("{\"product_id\":\"v1\",\"title\":\"Lamp\",\"language\":\"en\",\"price\":1,\"condition\":\"mint\",\"seller_rating_count\":0,\"photo_count\":0,\"listing_age_days\":0}",
        "condition", "'mint' is not one of new, like_new, good, fair, unknown")]
    [InlineData("{\"product_id\":\"v1\",\"language\":\"en\",\"price\":1,\"condition\":\"good\",\"seller_rating_count\":0,\"photo_count\":0,\"listing_age_days\":0}",
        "title", "required value is missing or null")]
    [InlineData("{\"product_id\":\"other\",\"title\":\"Lamp\"}", "product_id", "does not match the id in the path")]
    [InlineData("[1,2]", null, "must be a JSON object")]
    [InlineData("not json", null, "the body must be a JSON object")]
    public async Task InvalidBodiesGet400NamingTheField(string body, string? field, string message)
    {
        var response = await _http.PutAsync("/products/v1", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, problem.GetProperty("detail").GetString());
        if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Null(_index.FindProduct("v1"));
        Assert.Contains("q2e_catalog_write_rejects_total{reason=\"invalid\"} 1", await _http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task FiltersWorkOnSearchAndThePageAndBadOnesGet400()
    {
        var hits = await _http.GetFromJsonAsync<JsonElement>("/search?q=bike&k=5&max_price=100&condition=good");
        var list = hits.GetProperty("hits").EnumerateArray().ToList();
        Assert.NotEmpty(list);
        Assert.All(list, h => Assert.True(h.GetProperty("price").GetDouble() <= 100));
        Assert.Contains(list, h => h.GetProperty("product_id").GetString() == "p6");
        Assert.DoesNotContain(list, h => h.GetProperty("product_id").GetString() == "p5");

        var bad = await _http.GetAsync("/search?q=bike&min_seller_rating=9");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'min_seller_rating'", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var page = await _http.GetStringAsync("/?q=bike&max_price=100&condition=good&condition=fair");
        Assert.Contains("data-product-id=\"p6\"", page);
        Assert.DoesNotContain("data-product-id=\"p5\"", page);
        Assert.Contains("name=\"max_price\" id=\"max_price\" value=\"100\"", page);
        Assert.Contains("value=\"fair\" checked", page);
    }

    [Fact]
    public async Task AnEscapedSlashInThePathIsPartOfTheIdAndEscapesAreUndoneExactlyOnce()
    {
        // Kestrel leaves %2F escaped in the path (so it cannot split a segment) but decodes %25: the id must come
        // from the client's escapes, decoded once — a%2Fb is the id a/b, a%252Fb the literal id a%2Fb.
        var created = await _http.PutAsJsonAsync("/products/a%2Fb", Record("a/b", "Walnut side table"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("a/b", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("product_id").GetString());
        Assert.NotNull(_index.FindProduct("a/b"));
        Assert.Null(_index.FindProduct("a%2Fb"));

        var literal = await _http.PutAsJsonAsync("/products/a%252Fb", Record("a%2Fb", "Oak side table"));
        Assert.Equal(HttpStatusCode.Created, literal.StatusCode);
        Assert.NotNull(_index.FindProduct("a%2Fb"));

        var mismatch = await _http.PutAsJsonAsync("/products/a%2Fb", Record("a%2Fb", "Oak side table"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("does not match the id in the path ('a/b')",
            (await mismatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        var read = await _http.GetFromJsonAsync<JsonElement>("/products/a%2Fb");
        Assert.Equal("Walnut side table", read.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync("/products/a%2Fb")).StatusCode);
        Assert.Null(_index.FindProduct("a/b"));
        Assert.NotNull(_index.FindProduct("a%2Fb"));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/products/a%2Fb")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync("/products/a%252Fb")).StatusCode);
        Assert.Null(_index.FindProduct("a%2Fb"));
    }

    [Fact]
    public async Task WritesAreOffWithoutAKey()
    {
        await using var app = SearchServer.Build(_index, new TrigramEmbedder(64), new SearchServerOptions { Port = 0 });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var response = await http.PutAsJsonAsync("/products/x", Record("x", "Lamp"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("writes are off", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        await app.StopAsync();
    }

    [Fact]
    public async Task EightWritersAndEightReadersFor20SecondsWithoutErrorsAndEveryAcknowledgedWriteIsThere()
    {
        var acknowledged = new ConcurrentDictionary<string, double>();   // id → price last acknowledged
        var deleted = new ConcurrentDictionary<string, bool>();
        int errors = 0, reads = 0;
        var errorSamples = new ConcurrentQueue<string>();
        var stop = DateTime.UtcNow.AddSeconds(20);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 32, UseProxy = false };
        using var http = new HttpClient(handler) { BaseAddress = _http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        async Task Writer(int w)
        {
            var rng = new Random(w);
            for (int i = 0; DateTime.UtcNow < stop; i++)
            {
                string id = $"w{w}-{rng.Next(40)}";
                try
                {
                    if (rng.NextDouble() < 0.2)
                    {
                        var r = await http.DeleteAsync($"/products/{id}");
                        if (r.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound) { acknowledged.TryRemove(id, out _); deleted[id] = true; }
                        else { Interlocked.Increment(ref errors); errorSamples.Enqueue($"DELETE {(int)r.StatusCode}"); }
                    }
                    else
                    {
                        double price = rng.Next(1, 1000);
                        var r = await http.PutAsJsonAsync($"/products/{id}", Record(id, $"writer {w} lamp {i}", price));
                        if (r.IsSuccessStatusCode) { acknowledged[id] = price; deleted.TryRemove(id, out _); }
                        else { Interlocked.Increment(ref errors); errorSamples.Enqueue($"PUT {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"); }
                    }
                }
                catch (Exception e) { Interlocked.Increment(ref errors); errorSamples.Enqueue(e.Message); }
            }
        }

        async Task Reader(int r)
        {
            string[] queries = ["lamp", "red sofa", "writer 3 lamp", "bike", "oak table"];
            for (int i = 0; DateTime.UtcNow < stop; i++)
            {
                try
                {
                    var extra = i % 3 == 0 ? "&max_price=500" : i % 3 == 1 ? "&condition=good&mode=ebr" : "";
                    var response = await http.GetAsync($"/search?q={Uri.EscapeDataString(queries[(i + r) % queries.Length])}&k=10{extra}");
                    if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref errors); errorSamples.Enqueue($"GET {(int)response.StatusCode}"); }
                    else
                    {
                        var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
                        var ids = doc.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("product_id").GetString()).ToList();
                        if (ids.Distinct().Count() != ids.Count) { Interlocked.Increment(ref errors); errorSamples.Enqueue("duplicate hit"); }
                        Interlocked.Increment(ref reads);
                    }
                }
                catch (Exception e) { Interlocked.Increment(ref errors); errorSamples.Enqueue(e.Message); }
            }
        }

        // Each writer owns its ids, so the last acknowledged operation per id is well defined.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => Writer(w))).Concat(Enumerable.Range(0, 8).Select(r => Task.Run(() => Reader(r)))));
        Assert.True(errors == 0, $"{errors} errors, e.g. {string.Join(" | ", errorSamples.Take(3))}");
        Assert.True(reads > 0);
        Assert.True(_index.Compactions > 0, _index.LastCompactionError ?? "no compaction ran during the test");
        Assert.NotEmpty(acknowledged);
        foreach (var (id, price) in acknowledged) Assert.Equal(price, _index.FindProduct(id)?.Price);
        foreach (var id in deleted.Keys) Assert.Null(_index.FindProduct(id));

        // …and after a restart from disk.
        await _app.StopAsync();
        _index.Dispose();
        using var reopened = CatalogIndex.Open(Idx);
        foreach (var (id, price) in acknowledged) Assert.Equal(price, reopened.FindProduct(id)?.Price);
        foreach (var id in deleted.Keys) Assert.Null(reopened.FindProduct(id));
        _index = CatalogIndex.Open(Idx); // for DisposeAsync
    }
}
