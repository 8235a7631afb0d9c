using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Que2Engage.Data;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 items 7 and 10: invalid UTF-8 is reported, not replaced; one set of input rules for CLI and server.</summary>
public sealed class InputRuleTests : IAsyncLifetime
{
    private readonly Scratch _s = new();
    private CatalogIndex _index = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        CatalogIndex.Build(TestCatalog.Small(), new TrigramEmbedder(64), _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat, ModelPath = "fake" });
        _index = CatalogIndex.Open(_s["idx"]);
        _app = SearchServer.Build(_index, new TrigramEmbedder(64), new SearchServerOptions { Port = 0 });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _index.Dispose();
        _s.Dispose();
    }

    private string WriteProducts(params byte[][] lines)
    {
        Directory.CreateDirectory(_s["data"]);
        string path = Path.Combine(_s["data"], "products.jsonl");
        using var f = File.Create(path);
        foreach (var l in lines) { f.Write(l); f.WriteByte((byte)'\n'); }
        return path;
    }

    private static byte[] Product(string id, byte[] title) =>
        [.. Encoding.UTF8.GetBytes($"{{\"product_id\":\"{id}\",\"title\":\""), .. title,
         .. Encoding.UTF8.GetBytes("\",\"description\":\"\",\"language\":\"en\",\"price\":1,\"condition\":\"new\",\"seller_rating_count\":0,\"photo_count\":1,\"listing_age_days\":1}")];

    [Fact]
    public void InvalidUtf8InJsonlIsReportedWithFileRowAndField()
    {
        string path = WriteProducts(Product("a", "sofa"u8.ToArray()), Product("b", [0x73, 0xFF, 0xFE, 0x61]), Product("c", "lamp"u8.ToArray()));
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(path));
        Assert.Equal($"{path}:2: title: invalid UTF-8", e.Message);

        var report = new ReadReport();
        var kept = DataFiles.ReadProducts(path, ReadOptions.LenientMode, report);
        Assert.Equal(["a", "c"], kept.Select(p => p.ProductId));
        Assert.Equal(1, report.SkippedRows);
        // A valid U+FFFD written as UTF-8 is just a character.
        Assert.Single(DataFiles.ReadProducts(WriteProducts(Product("d", "x\uFFFDy"u8.ToArray()))));
    }

    [Fact]
    public void InvalidUtf8InAnImportedJsonlLogIsReportedWithTheColumn()
    {
        Directory.CreateDirectory(_s["logs"]);
        string log = Path.Combine(_s["logs"], "clicks.jsonl");
        File.WriteAllBytes(log, [
            .. "{\"query\":\"sofa\",\"product_id\":\"a\",\"title\":\"red sofa\",\"clicked\":true}\n"u8.ToArray(),
            .. "{\"query\":\"lamp\",\"product_id\":\"b\",\"title\":\"la"u8.ToArray(), 0xFF, .. "mp\",\"clicked\":false}\n"u8.ToArray()]);
        var run = Faults.Cli("import", "--format", "jsonl", "--input", log, "--out", _s["imported"], "--engaged-col", "clicked");
        Faults.AssertUserError(run, $"{log}:2: title: invalid UTF-8");
    }

    [Fact]
    public void InvalidUtf8InAnImportedCsvLogIsReportedWithTheColumn()
    {
        Directory.CreateDirectory(_s["logs"]);
        string log = Path.Combine(_s["logs"], "clicks.csv");
        File.WriteAllBytes(log, [.. "query,product_id,title,clicked\nsofa,a,red sofa,1\nlamp,b,la"u8.ToArray(), 0xC3, .. "mp\ufffd,0\n"u8.ToArray()]);
        var run = Faults.Cli("import", "--format", "csv", "--input", log, "--out", _s["imported"], "--engaged-col", "clicked");
        Faults.AssertUserError(run, $"{log}:3: title: invalid UTF-8");
    }

    [Fact]
    public void LenientRunsSayHowManyRowsTheySkipped()
    {
        string data = OutputSafetyTests.WriteToyData(_s["toy"]);
        File.AppendAllText(Path.Combine(data, "train", "impressions.jsonl"), "{\"session_id\":\"x\"}\nnot json\n");
        var run = Faults.Cli(["train", "--data", data, "--out", _s["m"], .. OutputSafetyTests.TinyTrainFlags, "--lenient"]);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("lenient: skipped 2 bad rows (train/impressions.jsonl 2)", run.Out);
    }

    [Theory]
    [InlineData("/search?q=%FF%FE", "'q' is not valid UTF-8")]
    [InlineData("/search?q=sofa%FF", "'q' is not valid UTF-8")]
    [InlineData("/search?q=sofa&ef=0", "'ef' must be an integer in 1..")]
    public async Task ServerRefusesBadQueries(string url, string expected)
    {
        var response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmbedRefusesAnEmptyQueryLikeSearch(string query)
    {
        var response = await _http.PostAsJsonAsync("/embed", new { query });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'query' is empty", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/search?q=" + Uri.EscapeDataString(query))).StatusCode);
    }

    [Fact]
    public async Task EmbedRefusesInvalidUtf8InTheBody()
    {
        var body = new ByteArrayContent([.. "{\"query\":\"so"u8.ToArray(), 0xFF, .. "fa\"}"u8.ToArray()]);
        body.Headers.ContentType = new("application/json");
        var response = await _http.PostAsync("/embed", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("-q", "", "--query is empty")]
    [InlineData("--ef", "0", "--ef must be an integer in 1..")]
    [InlineData("-k", "0", "-k must be an integer in 1..1000")]
    public void CliAppliesTheServersRules(string flag, string value, string expected)
    {
        var args = new List<string> { "search", "--index", _s["idx"], "-q", "sofa" };
        if (flag == "-q") args[^1] = value; else args.AddRange([flag, value]);
        Faults.AssertUserError(CommandLine.CliRun.Capture(_ => new TrigramEmbedder(64), [.. args]), expected);
    }

    [Theory]
    [InlineData("--lambda1", "NaN")]
    [InlineData("--lambda2", "Infinity")]
    public void NonFiniteLambdasAreRefused(string flag, string value)
    {
        string data = OutputSafetyTests.WriteToyData(_s["toy"]);
        Faults.AssertUserError(Faults.Cli("train", "--data", data, "--out", _s["m"], flag, value), "--lambda1/--lambda2 must be");
        Assert.False(Directory.Exists(_s["m"]));
    }
}
