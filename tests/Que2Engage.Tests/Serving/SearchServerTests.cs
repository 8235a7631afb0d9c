using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Serving;

/// <summary>The HTTP API on a real Kestrel listening on a free loopback port.</summary>
public sealed class SearchServerTests : IAsyncLifetime
{
    private readonly string _root = VectorData.TempDir();
    private CatalogIndex _index = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var model = new TrigramEmbedder(64);
        CatalogIndex.Build(TestCatalog.Small().Concat(TestCatalog.Generated(200, 9)).ToList(), model, Path.Combine(_root, "idx"),
            new IndexBuildOptions { M = 8, EfConstruction = 40 });
        _index = CatalogIndex.Open(Path.Combine(_root, "idx"));
        _app = SearchServer.Build(_index, model, new SearchServerOptions { Port = 0 });
        await _app.StartAsync();
        var url = _app.Urls.Single();
        Assert.StartsWith("http://127.0.0.1:", url);
        _http = new HttpClient { BaseAddress = new Uri(url) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _index.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task SearchReturnsHitsWithSourcesAndScores()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>("/search?q=red%20leather%20sofa&k=5");
        Assert.Equal("hybrid", doc.GetProperty("mode").GetString());
        var hits = doc.GetProperty("hits");
        Assert.Equal(5, hits.GetArrayLength());
        Assert.Equal("p1", hits[0].GetProperty("product_id").GetString());
        Assert.Equal(["ebr", "lexical"], hits[0].GetProperty("sources").EnumerateArray().Select(s => s.GetString()));

        var lexical = await _http.GetFromJsonAsync<JsonElement>("/search?q=canape&mode=lexical");
        Assert.Equal("p3", lexical.GetProperty("hits")[0].GetProperty("product_id").GetString());
        Assert.Equal(JsonValueKind.Null, lexical.GetProperty("hits")[0].GetProperty("ebr_score").ValueKind);
    }

    [Theory]
    [InlineData("/search", "missing query parameter 'q'")]
    [InlineData("/search?q=sofa&k=0", "'k' must be an integer in 1..1000")]
    [InlineData("/search?q=sofa&k=1001", "'k' must be an integer")]
    [InlineData("/search?q=sofa&k=ten", "'k' must be an integer")]
    [InlineData("/search?q=sofa&mode=semantic", "'mode' must be hybrid, ebr or lexical")]
    [InlineData("/search?q=sofa&ef=0", "'ef' must be an integer")]
    // a repeated parameter is refused by name, the same way for every parameter (issue #24, item 10)
    [InlineData("/search?q=sofa&k=5&k=10", "give 'k' once.")]
    [InlineData("/search?q=sofa&mode=ebr&mode=lexical", "give 'mode' once.")]
    [InlineData("/search?q=sofa&ef=50&ef=60", "give 'ef' once.")]
    [InlineData("/search?q=sofa&q=chair", "give 'q' once.")]
    [InlineData("/search?q=sofa&max_price=5&max_price=9", "give 'max_price' once.")]
    public async Task BadRequestsGet400ProblemJson(string url, string detail)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("q=sofa&k=0", "'k' must be an integer in 1..1000")]
    [InlineData("q=sofa&mode=semantic", "'mode' must be hybrid, ebr or lexical")]
    [InlineData("q=sofa&ef=ten", "'ef' must be an integer")]
    [InlineData("q=sofa&min_price=-1", "min_price")]
    [InlineData("q=%FF%FE", "'q' is not valid UTF-8")]
    public async Task ThePageRefusesWhatTheApiRefusesWithTheSameMessage(string query, string detail)
    {
        var api = await _http.GetAsync("/search?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var apiDetail = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains(detail, apiDetail);
        var page = await _http.GetAsync("/?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(apiDetail), await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutAModelThePageAndTheApiBothDefaultToLexicalAndRefuseEbr()
    {
        await using var app = SearchServer.Build(_index, model: null, new SearchServerOptions { Port = 0 });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var doc = await http.GetFromJsonAsync<JsonElement>("/search?q=canape");
        Assert.Equal("lexical", doc.GetProperty("mode").GetString());
        Assert.Equal("p3", doc.GetProperty("hits")[0].GetProperty("product_id").GetString());
        Assert.Contains("data-product-id=\"p3\"", await http.GetStringAsync("/?q=canape"));

        var api = await http.GetAsync("/search?q=canape&mode=ebr");
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var detail = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("needs a model", detail);
        var page = await http.GetAsync("/?q=canape&mode=ebr");
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(detail), await page.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    [Fact]
    public async Task OverlongQueriesAndBodiesAreRejected()
    {
        var response = await _http.GetAsync("/search?q=" + new string('a', 513));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/search?q=" + new string('a', 512))).StatusCode);

        var big = await _http.PostAsJsonAsync("/embed", new { query = new string('x', 40_000) });
        Assert.True(big.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, big.StatusCode.ToString());
        var bad = await _http.PostAsync("/embed", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task EmbedReturnsTheNormalisedQueryVector()
    {
        var response = await _http.PostAsJsonAsync("/embed", new { query = "red sofa" });
        response.EnsureSuccessStatusCode();
        var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
        var v = doc.GetProperty("vector").EnumerateArray().Select(x => x.GetSingle()).ToArray();
        Assert.Equal(64, doc.GetProperty("dimension").GetInt32());
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        var expected = new TrigramEmbedder(64).Embed("red sofa");
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(expected[i], v[i], 5));
    }

    [Fact]
    public async Task HealthMetricsAndPage()
    {
        var health = await _http.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(210, health.GetProperty("products").GetInt32());

        await _http.GetAsync("/search?q=sofa");
        await _http.GetAsync("/search?k=0");
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("q2e_http_requests_total{route=\"/search\",code=\"200\"} 1", metrics);
        Assert.Contains("q2e_http_requests_total{route=\"/search\",code=\"400\"} 1", metrics);
        Assert.Contains("q2e_http_request_duration_seconds_count{route=\"/search\"} 2", metrics);

        var page = await _http.GetStringAsync("/?q=red+leather+sofa");
        Assert.Contains("<table id=\"results\">", page);
        Assert.Contains("data-product-id=\"p1\"", page);
        Assert.Contains("Red leather sofa", page);
        Assert.Contains("ebr + lexical", page);
        var injected = await _http.GetAsync("/?q=%3Cscript%3Ealert(1)%3C/script%3E");
        Assert.DoesNotContain("<script>", await injected.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BoundedLoadOf2000RequestsFrom16ClientsHasNoErrors()
    {
        string[] queries = ["red sofa", "oak table", "bike", "vintage lamp", "phone", "leather chair", "blue desk", "canapé"];
        int errors = 0, done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var mode = (i % 3) switch { 0 => "hybrid", 1 => "ebr", _ => "lexical" };
            using var r = await _http.GetAsync($"/search?q={Uri.EscapeDataString(queries[i % queries.Length])}&k=10&mode={mode}", ct);
            var body = await r.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (!r.IsSuccessStatusCode || body.GetProperty("hits").GetArrayLength() == 0) Interlocked.Increment(ref errors);
            Interlocked.Increment(ref done);
        });
        Assert.Equal(2000, done);
        Assert.Equal(0, errors);
    }
}
