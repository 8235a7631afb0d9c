using System.Net;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 item 11: the smaller faults (corrupt Lucene index, unwritable output, 414 in /metrics).</summary>
public sealed class SmallFaultTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void FlippedBytesInTheLexicalIndexAreRefusedOnOpen()
    {
        var products = TestCatalog.Small().Concat(TestCatalog.Generated(300, 4)).ToList();
        CatalogIndex.Build(products, new TrigramEmbedder(), _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        string biggest = new DirectoryInfo(Path.Combine(_s["idx"], IndexManifest.LexicalDirectory)).GetFiles()
            .OrderByDescending(f => f.Length).First().FullName;
        Faults.FlipBytes(biggest, 8);
        var e = Assert.Throws<InvalidInputException>(() => CatalogIndex.Open(_s["idx"]));
        Assert.Contains("lexical", e.Message);
    }

    [Fact]
    public void AnOutputUnderAFileIsAUsageError()
    {
        string file = _s["plain-file"];
        File.WriteAllText(file, "x");
        string data = OutputSafetyTests.WriteToyData(_s["data"]);
        Faults.AssertUserError(Faults.Cli(["train", "--data", data, "--out", Path.Combine(file, "model"), .. OutputSafetyTests.TinyTrainFlags]),
            Path.Combine(file, "model"));
        Assert.IsType<InvalidInputException>(Assert.ThrowsAny<Que2EngageException>(() => Que2Engage.Common.AtomicFile.WriteAllText(Path.Combine(file, "x.json"), "{}")));
    }

    [Fact]
    public async Task TooLongUrlsAre414AndCounted()
    {
        CatalogIndex.Build(TestCatalog.Small(), new TrigramEmbedder(), _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        using var index = CatalogIndex.Open(_s["idx"]);
        await using var app = SearchServer.Build(index, null, new SearchServerOptions { Port = 0 });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            var response = await http.GetAsync("/search?q=" + new string('a', 9000));
            Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
            Assert.Contains("q2e_http_requests_total{route=\"/search\",code=\"414\"} 1", await http.GetStringAsync("/metrics"));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
