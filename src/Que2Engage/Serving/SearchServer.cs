using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using static Que2Engage.Serving.SearchEndpoints;

namespace Que2Engage.Serving;

/// <summary>
/// The hybrid search HTTP service (ASP.NET Core minimal API over Kestrel):
/// <list type="bullet">
/// <item><c>GET /search?q=&amp;k=&amp;mode=&amp;ef=</c> → JSON results (<see cref="SearchHitView"/>).</item>
/// <item><c>POST /embed</c> with <c>{"query": "..."}</c> → the query's embedding.</item>
/// <item><c>GET /healthz</c>, <c>GET /metrics</c> (Prometheus text), <c>GET /</c> the search page.</item>
/// <item><c>PUT</c>/<c>DELETE /products/{id}</c> with a write key (<see cref="CatalogWriteEndpoints"/>); /search and the page take
/// the <see cref="SearchFilter"/> parameters.</item>
/// </list>
/// Every input is bounded (query ≤ 512 chars, 1 ≤ k ≤ 1000, known mode, ef, body size); a bad request gets 400 with
/// an RFC 7807 problem body. Without a model only lexical search is served.
/// </summary>
public static class SearchServer
{
    /// <summary>The address to listen on, after checking the options' host and port.</summary>
    public static IPAddress ListenAddress(SearchServerOptions options)
    {
        if (!IPAddress.TryParse(options.Host, out var address))
            throw InvalidInputException.Setting($"SearchServerOptions.Host: '{options.Host}' is not an IP address.", "SearchServerOptions.Host");
        if (options.Port < 0 || options.Port > 65535) throw InvalidInputException.Setting($"SearchServerOptions.Port must be in 0..65535 (got {options.Port}).", "SearchServerOptions.Port");
        return address;
    }

    /// <summary>
    /// The host every search front end shares (this server and the cluster's): Kestrel on <paramref name="address"/>
    /// with the request limits of <paramref name="options"/>, warnings-only console logging, problem details, and JSON
    /// that writes NaN/∞ as named literals.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(IPAddress address, SearchServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(address, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Limits.MaxRequestLineSize = Math.Max(k.Limits.MaxRequestLineSize, 4 * options.MaxUrlLength);
            k.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        // A failed start (e.g. the port is taken) is reported once by Start; the host's own log of it is a 30-line
        // stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        return builder;
    }

    public static WebApplication Build(CatalogIndex index, IEmbeddingModel? model, SearchServerOptions? options = null)
    {
        options ??= new SearchServerOptions();
        if (model is not null) index.CheckModel(model);
        if (options.WriteKey is not null && (model is null || !index.IsWritable))
            throw new InvalidInputException("Writes need a model (to embed listings) and an index opened for writing.");
        var address = ListenAddress(options);
        var app = CreateBuilder(address, options).Build();
        var metrics = new ServerMetrics();
        var batcher = model is not null && options.QueryBatching
            ? new QueryEmbeddingBatcher(model, index.Dimension, options.MaxQueryBatch, options.MaxQueryBatchWait)
            : null;
        if (batcher is not null)
        {
            app.Lifetime.ApplicationStopped.Register(batcher.Dispose);
            metrics.Export(batcher);
        }
        // The query embedding as a task (batched, or alone on a pool thread), so BM25 runs while it is computed.
        Task<float[]> EmbedForSearch(string query) => batcher?.EmbedAsync(query) ?? Task.Run(() => index.EmbedQuery(model!, query));

        SearchEndpoints.UseLimitsAndMetrics(app, options, metrics, path => path switch
        {
            "/search" or "/embed" or "/healthz" or "/metrics" or "/" => path,
            _ when path.StartsWith(CatalogWriteEndpoints.Route + "/", StringComparison.Ordinal) => CatalogWriteEndpoints.Route,
            _ => "other",
        });

        app.MapGet("/healthz", () => Results.Json(new { status = "ok", products = index.Count, model = model is not null, vector_kind = index.Vectors.Kind }));

        metrics.Map(app);

        SearchEndpoints.Map(app, options, model is not null, () => index.Count,
            async (r, ct) => new ClusterSearchResult(
                await index.SearchAsync(r.Query, r.Mode == SearchMode.Lexical ? null : EmbedForSearch(r.Query), r.K, r.Mode, r.Ef, ct, r.Filter), [], 1),
            (r, tookMs, result) => new SearchResponse(r.Query, r.Mode.ToWire(), r.K, tookMs, result.Hits.Select(SearchHitView.From).ToList()));

        app.MapPost("/embed", async (HttpContext ctx) =>
        {
            if (model is null) return BadRequest("the server has no model loaded.");
            EmbedRequest? body;
            try { body = await ctx.Request.ReadFromJsonAsync<EmbedRequest>(ctx.RequestAborted); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                return BadRequest("the body must be JSON like {\"query\": \"red sofa\"}.");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Problem(statusCode: 413, title: "Payload too large", detail: $"the body is limited to {options.MaxRequestBodyBytes} bytes.");
            }
            if (body?.Query is null) return BadRequest("missing 'query'.");
            if (SearchRequest.CheckQuery(body.Query, options, EmbedNames) is { } queryError) return BadRequest(queryError);
            var vector = index.EmbedQuery(model, body.Query);
            return Results.Json(new EmbedResponse(body.Query, vector.Length, vector));
        });

        CatalogWriteEndpoints.Map(app, index, model, options, metrics);

        return app;
    }

    /// <summary>Starts listening; a port that is already in use is a one-line error naming it.</summary>
    public static void Start(WebApplication app, SearchServerOptions options)
    {
        try
        {
            app.Start();
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.Connections.AddressInUseException
                                  || e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            throw new InvalidInputException($"port {options.Port} on {options.Host} is already in use; stop what is using it or choose another SearchServerOptions.Port", e)
                { Settings = ["SearchServerOptions.Port"] };
        }
    }

    private static readonly SearchRequest.InputNames EmbedNames = new("'query'", "'k'", "'ef'");

    public sealed record SearchResponse(
        [property: JsonPropertyName("query")] string Query,
        [property: JsonPropertyName("mode")] string Mode,
        [property: JsonPropertyName("k")] int K,
        [property: JsonPropertyName("took_ms")] double TookMs,
        [property: JsonPropertyName("hits")] IReadOnlyList<SearchHitView> Hits);

    public sealed record EmbedRequest([property: JsonPropertyName("query")] string? Query);

    public sealed record EmbedResponse(
        [property: JsonPropertyName("query")] string Query,
        [property: JsonPropertyName("dimension")] int Dimension,
        [property: JsonPropertyName("vector")] float[] Vector);
}
