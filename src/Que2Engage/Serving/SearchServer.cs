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
    /// <summary>The address to listen on, after checking --host and --port.</summary>
    public static IPAddress ListenAddress(SearchServerOptions options)
    {
        if (!IPAddress.TryParse(options.Host, out var address))
            throw new InvalidInputException($"--host: '{options.Host}' is not an IP address.");
        if (options.Port < 0 || options.Port > 65535) throw new InvalidInputException($"--port must be in 0..65535 (got {options.Port}).");
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
            metrics.QueryBatcher = batcher;
        }
        // The query embedding as a task (batched, or alone on a pool thread), so BM25 runs while it is computed.
        Task<float[]> EmbedForSearch(string query) => batcher?.EmbedAsync(query) ?? Task.Run(() => index.EmbedQuery(model!, query));

        app.Use(async (ctx, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            var target = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
            try
            {
                if (target is not null && target.Length > options.MaxUrlLength)
                {
                    await Results.Problem(statusCode: StatusCodes.Status414UriTooLong, title: "URI too long",
                        detail: $"the request target is limited to {options.MaxUrlLength} bytes.").ExecuteAsync(ctx);
                    return;
                }
                await next(ctx);
            }
            finally
            {
                var route = ctx.Request.Path.Value switch
                {
                    "/search" or "/embed" or "/healthz" or "/metrics" or "/" => ctx.Request.Path.Value!,
                    { } p when p.StartsWith(CatalogWriteEndpoints.Route + "/", StringComparison.Ordinal) => CatalogWriteEndpoints.Route,
                    _ => "other",
                };
                metrics.Record(route, ctx.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        });

        app.MapGet("/healthz", () => Results.Json(new { status = "ok", products = index.Count, model = model is not null, vector_kind = index.Vectors.Kind }));

        app.MapGet("/metrics", () => Results.Text(metrics.ToPrometheusText(), "text/plain; version=0.0.4; charset=utf-8"));

        app.MapGet("/search", async (HttpContext ctx) =>
        {
            var parsed = SearchRequest.Parse(ctx.Request.Query, options, requireQuery: true, ctx.Request.QueryString.Value);
            if (parsed.Error is not null) return BadRequest(parsed.Error);
            var r = parsed.Request!;
            if (r.Mode != SearchMode.Lexical && model is null)
                return BadRequest($"mode '{r.Mode.ToWire()}' needs a model and the server has none; use mode=lexical.");
            long start = Stopwatch.GetTimestamp();
            var vector = r.Mode == SearchMode.Lexical ? null : EmbedForSearch(r.Query);
            IReadOnlyList<CatalogHit> hits;
            try { hits = await index.SearchAsync(r.Query, vector, r.K, r.Mode, r.Ef, ctx.RequestAborted, r.Filter); }
            catch (InvalidInputException e) { return BadRequest(e.Message); }
            return Results.Json(new SearchResponse(r.Query, r.Mode.ToWire(), r.K, Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                hits.Select(SearchHitView.From).ToList()));
        });

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

        app.MapGet("/", async (HttpContext ctx) =>
        {
            bool asked = ctx.Request.Query.ContainsKey("q");
            var parsed = SearchRequest.Parse(ctx.Request.Query, options, requireQuery: false, ctx.Request.QueryString.Value);
            string modeText = ctx.Request.Query["mode"].ToString() is { Length: > 0 } m ? m : (model is null ? "lexical" : "hybrid");
            IReadOnlyList<CatalogHit>? hits = null;
            double? tookMs = null;
            string? error = parsed.Error;
            int status = 200;
            if (error is null && asked && parsed.Request!.Query.Length > 0)
            {
                var r = parsed.Request;
                if (model is null && !ctx.Request.Query.ContainsKey("mode")) r = r with { Mode = SearchMode.Lexical };
                if (r.Mode != SearchMode.Lexical && model is null) error = "This server has no model; choose lexical.";
                else
                {
                    long start = Stopwatch.GetTimestamp();
                    hits = await index.SearchAsync(r.Query, r.Mode == SearchMode.Lexical ? null : index.EmbedQuery(model!, r.Query), r.K, r.Mode, r.Ef, ctx.RequestAborted, r.Filter);
                    tookMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            if (error is not null) status = 400;
            ctx.Response.Headers.ContentSecurityPolicy = SearchPage.ContentSecurityPolicy;
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Content(SearchPage.Render(ctx.Request.Query["q"].ToString(), modeText, hits, error, index.Count, tookMs, parsed.Request?.Filter), "text/html; charset=utf-8", statusCode: status);
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
            throw new InvalidInputException($"port {options.Port} on {options.Host} is already in use; stop what is using it or choose another --port", e);
        }
    }

    private static readonly SearchRequest.InputNames EmbedNames = new("'query'", "'k'", "'ef'");

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

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
