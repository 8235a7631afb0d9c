using Microsoft.AspNetCore.Builder;
using Que2Engage.Data;
using Que2Engage.Retrieval;
using Que2Engage.Serving;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Serving.Browser;

/// <summary>
/// A real Kestrel on a free loopback port serving a small catalog (deterministic trigram embedder), and one headless
/// Chromium shared by the tests of <see cref="SearchPageBrowserTests"/>, launched on first use so a skipped run
/// never starts it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>A listing whose title is markup, to prove the page shows data as text.</summary>
    public const string MarkupTitle = "<b>Bold</b> & \"quoted\" <img src=x onerror=alert(1)> lamp";

    private readonly string _root = VectorData.TempDir();
    private CatalogIndex _index = null!;
    private WebApplication _app = null!;
    private HeadlessChromium? _browser;
    private readonly SemaphoreSlim _launch = new(1, 1);

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var model = new TrigramEmbedder(64);
        var products = TestCatalog.Small()
            .Append(TestCatalog.P("x1", MarkupTitle, "a lamp", "lighting", price: 12.5, condition: Condition.LikeNew))
            .Concat(TestCatalog.Generated(100, 5)).ToList();
        CatalogIndex.Build(products, model, Path.Combine(_root, "idx"), new IndexBuildOptions { M = 8, EfConstruction = 40 });
        _index = CatalogIndex.Open(Path.Combine(_root, "idx"));
        _app = SearchServer.Build(_index, model, new SearchServerOptions { Port = 0 });
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single();
    }

    public async Task<BrowserPage> PageAsync()
    {
        await _launch.WaitAsync();
        try
        {
            if (_browser is null)
            {
                _browser = await HeadlessChromium.LaunchAsync(Timeout);
                await new BrowserPage(_browser.Page).EnableAsync();
            }
            return new BrowserPage(_browser.Page);
        }
        finally { _launch.Release(); }
    }

    /// <summary>Saves a PNG of the page when Q2E_SCREENSHOT_DIR is set (to look at the page by hand).</summary>
    public async Task MaybeScreenshotAsync(string name)
    {
        var dir = Environment.GetEnvironmentVariable("Q2E_SCREENSHOT_DIR");
        if (string.IsNullOrEmpty(dir) || _browser is null) return;
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(Path.Combine(dir, name + ".png"), await _browser.ScreenshotAsync());
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _index.Dispose();
        _launch.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>The search page as a user drives it in headless Chromium: type a query, submit, read the results.</summary>
public sealed class SearchPageBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task TypingAQueryAndPressingEnterShowsResultsWithPriceConditionAndSource()
    {
        var page = await fixture.PageAsync();
        await page.GoToAsync(fixture.BaseUrl + "/");
        Assert.Equal(0, await page.CountAsync("#results .hit"));

        await page.ClickAsync("#q");
        await page.TypeAsync("red leather sofa");
        await page.PressEnterAndWaitForLoadAsync();

        Assert.Contains("q=red+leather+sofa", await page.LocationAsync());
        var rows = await page.ResultRowsAsync();
        await fixture.MaybeScreenshotAsync("search-results");
        Assert.Equal(10, rows.Count);
        var top = rows[0];
        Assert.Equal("p1", top.ProductId);
        Assert.Equal("Red leather sofa", top.Title);
        Assert.Equal("100.00", top.Price);
        Assert.Equal("good", top.Condition);
        Assert.Equal("ebr + lexical", top.Source);
        Assert.All(rows, r =>
        {
            Assert.NotEmpty(r.Title);
            Assert.Matches(@"^\d+\.\d\d$", r.Price);
            Assert.Contains(r.Condition, new[] { "new", "like new", "good", "fair", "unknown" });
            Assert.Contains(r.Source, new[] { "ebr", "lexical", "ebr + lexical" });
        });
        // The box keeps the query so the user can refine it.
        Assert.Equal("red leather sofa", (await page.Cdp.EvaluateAsync("document.querySelector('#q').value")).GetString());
    }

    [ChromiumFact]
    public async Task ChoosingLexicalModeFindsTheFrenchListingByItsOwnWord()
    {
        var page = await fixture.PageAsync();
        await page.GoToAsync(fixture.BaseUrl + "/");
        await page.Cdp.EvaluateAsync("document.querySelector('select[name=mode]').value = 'lexical'");
        await page.ClickAsync("#q");
        await page.TypeAsync("canapé");
        await page.PressEnterAndWaitForLoadAsync();

        var rows = await page.ResultRowsAsync();
        Assert.NotEmpty(rows);
        Assert.Equal("Canapé en cuir", rows[0].Title);
        Assert.All(rows, r => Assert.Equal("lexical", r.Source));
        Assert.Equal("lexical", (await page.Cdp.EvaluateAsync("document.querySelector('select[name=mode]').value")).GetString());
    }

    [ChromiumFact]
    public async Task FilterFieldsNarrowTheResultsAndStayFilledIn()
    {
        var page = await fixture.PageAsync();
        await page.GoToAsync(fixture.BaseUrl + "/");
        await page.Cdp.EvaluateAsync("document.querySelector('#max_price').value = '100'");
        await page.Cdp.EvaluateAsync("document.querySelector('input[name=condition][value=good]').checked = true");
        await page.ClickAsync("#q");
        await page.TypeAsync("bike");
        await page.PressEnterAndWaitForLoadAsync();

        var rows = await page.ResultRowsAsync();
        Assert.NotEmpty(rows);
        Assert.Contains(rows, r => r.ProductId == "p6");                 // the kids bike, 60
        Assert.DoesNotContain(rows, r => r.ProductId == "p5");           // the mountain bike, 350
        Assert.All(rows, r => Assert.True(double.Parse(r.Price, System.Globalization.CultureInfo.InvariantCulture) <= 100));
        Assert.All(rows, r => Assert.Equal("good", r.Condition));
        Assert.Contains("max_price=100", await page.LocationAsync());
        Assert.Equal("100", (await page.Cdp.EvaluateAsync("document.querySelector('#max_price').value")).GetString());
    }

    [ChromiumFact]
    public async Task MarkupInTitlesAndQueriesIsShownAsTextAndNeverRuns()
    {
        var page = await fixture.PageAsync();
        await page.GoToAsync(fixture.BaseUrl + "/");
        const string query = "<img src=x onerror=alert(2)> bold lamp";
        await page.ClickAsync("#q");
        await page.TypeAsync(query);
        await page.PressEnterAndWaitForLoadAsync();

        var rows = await page.ResultRowsAsync();
        var markup = Assert.Single(rows, r => r.ProductId == "x1");
        Assert.Equal(BrowserFixture.MarkupTitle, markup.Title);
        Assert.Equal(0, markup.TitleElements);
        Assert.Equal("like new", markup.Condition);
        Assert.Equal("12.50", markup.Price);
        Assert.Equal(query, (await page.Cdp.EvaluateAsync("document.querySelector('#q').value")).GetString());
        Assert.Equal(0, await page.CountAsync("img"));
        Assert.DoesNotContain("Page.javascriptDialogOpening", page.Cdp.Events);
    }

    [ChromiumFact]
    public async Task AnInvalidParameterShowsAReadableError()
    {
        var page = await fixture.PageAsync();
        await page.GoToAsync(fixture.BaseUrl + "/?q=sofa&k=0");
        Assert.Contains("'k' must be an integer", await page.TextAsync("#error"));
        Assert.Equal(0, await page.CountAsync("#results .hit"));
    }
}
