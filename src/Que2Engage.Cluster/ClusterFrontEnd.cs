using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Serving;

namespace Que2Engage.Cluster;

/// <summary>
/// The stateless front end of a sharded index: the same <c>/search</c>, page, <c>/healthz</c> and <c>/metrics</c> as
/// <see cref="SearchServer"/>, answered by a <see cref="ShardFanOut"/> (the query is embedded once here, then every
/// shard is asked). Answers carry <c>partial</c> and <c>missing_shards</c>: a shard with no live replica before the
/// deadline is named, never silently dropped. Writes (<c>PUT/DELETE /products</c>) are not served by the cluster.
/// </summary>
public static class ClusterFrontEnd
{
    public static WebApplication Build(ShardFanOut fanOut, IEmbeddingModel? model, Func<int> catalogSize, SearchServerOptions? options = null,
        int? dimension = null)
    {
        options ??= new SearchServerOptions();
        var address = SearchServer.ListenAddress(options);
        if (model is not null && dimension is int d && model.Dimension != d)
            throw new InvalidInputException($"The model makes {model.Dimension}-dimensional vectors but the shards hold {d}-dimensional ones.");
        var app = SearchServer.CreateBuilder(address, options).Build();
        var metrics = new ServerMetrics();
        long partial = 0;

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
                var route = ctx.Request.Path.Value is "/search" or "/healthz" or "/metrics" or "/" ? ctx.Request.Path.Value! : "other";
                metrics.Record(route, ctx.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        });

        app.MapGet("/healthz", () =>
        {
            var live = Enumerable.Range(0, fanOut.Routes.Shards).Select(s => fanOut.Routes.ReplicasOf(s).Count).ToArray();
            return Results.Json(new
            {
                status = live.Length > 0 && live.All(n => n > 0) ? "ok" : "degraded",
                products = catalogSize(), model = model is not null, shards = live.Length, replicas = live,
            });
        });

        app.MapGet("/metrics", () =>
        {
            var text = metrics.ToPrometheusText()
                + "# HELP q2e_cluster_partial_answers_total Answers missing at least one shard.\n# TYPE q2e_cluster_partial_answers_total counter\n"
                + FormattableString.Invariant($"q2e_cluster_partial_answers_total {Interlocked.Read(ref partial)}\n")
                + "# HELP q2e_cluster_failed_replica_attempts_total Replica calls that failed or timed out (retried on another replica).\n# TYPE q2e_cluster_failed_replica_attempts_total counter\n"
                + FormattableString.Invariant($"q2e_cluster_failed_replica_attempts_total {fanOut.FailedAttempts}\n")
                + "# HELP q2e_cluster_replicas Live replicas per shard, as last seen.\n# TYPE q2e_cluster_replicas gauge\n"
                + string.Concat(Enumerable.Range(0, fanOut.Routes.Shards).Select(s =>
                    FormattableString.Invariant($"q2e_cluster_replicas{{shard=\"{s}\"}} {fanOut.Routes.ReplicasOf(s).Count}\n")));
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        });

        async Task<ClusterSearchResult> Search(SearchRequest r, CancellationToken ct)
        {
            var vector = r.Mode == SearchMode.Lexical ? null
                : EmbeddingChecks.Normalised(model!.EmbedQueries([r.Query])[0], model.Dimension, "query embedding", extra: model.ExtraCoordinates);
            var result = await fanOut.SearchAsync(r.Query, vector, r.K, r.Mode, r.Ef, r.Filter, ct);
            if (result.Partial) Interlocked.Increment(ref partial);
            return result;
        }

        app.MapGet("/search", async (HttpContext ctx) =>
        {
            var parsed = SearchRequest.Parse(ctx.Request.Query, options, requireQuery: true, ctx.Request.QueryString.Value);
            if (parsed.Error is not null) return BadRequest(parsed.Error);
            var r = parsed.Request!;
            if (r.Mode != SearchMode.Lexical && model is null)
                return BadRequest($"mode '{r.Mode.ToWire()}' needs a model and the front end has none; use mode=lexical.");
            long start = Stopwatch.GetTimestamp();
            ClusterSearchResult result;
            try { result = await Search(r, ctx.RequestAborted); }
            catch (InvalidInputException e) { return BadRequest(e.Message); }
            return Results.Json(new ClusterSearchResponse(r.Query, r.Mode.ToWire(), r.K, Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                result.Hits.Select(SearchHitView.From).ToList(), result.Partial, result.MissingShards, result.Shards));
        });

        app.MapGet("/", async (HttpContext ctx) =>
        {
            bool asked = ctx.Request.Query.ContainsKey("q");
            var parsed = SearchRequest.Parse(ctx.Request.Query, options, requireQuery: false, ctx.Request.QueryString.Value);
            string modeText = ctx.Request.Query["mode"].ToString() is { Length: > 0 } m ? m : (model is null ? "lexical" : "hybrid");
            IReadOnlyList<CatalogHit>? hits = null;
            double? tookMs = null;
            string? error = parsed.Error;
            if (error is null && asked && parsed.Request!.Query.Length > 0)
            {
                var r = parsed.Request;
                if (model is null && !ctx.Request.Query.ContainsKey("mode")) r = r with { Mode = SearchMode.Lexical };
                if (r.Mode != SearchMode.Lexical && model is null) error = "This server has no model; choose lexical.";
                else
                {
                    long start = Stopwatch.GetTimestamp();
                    try
                    {
                        var result = await Search(r, ctx.RequestAborted);
                        hits = result.Hits;
                        // The page shows a partial answer's hits and says which shards are missing.
                        if (result.Partial)
                            error = $"Partial results: shard{(result.MissingShards.Count == 1 ? "" : "s")} {string.Join(", ", result.MissingShards)} of {result.Shards} did not answer in time.";
                    }
                    catch (InvalidInputException e) { error = e.Message; }
                    tookMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            }
            ctx.Response.Headers.ContentSecurityPolicy = SearchPage.ContentSecurityPolicy;
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            int status = error is not null && hits is null ? 400 : 200;
            return Results.Content(SearchPage.Render(ctx.Request.Query["q"].ToString(), modeText, hits, error, catalogSize(), tookMs, parsed.Request?.Filter),
                "text/html; charset=utf-8", statusCode: status);
        });
        return app;
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    /// <summary><see cref="SearchServer.SearchResponse"/> plus whether shards are missing and which.</summary>
    public sealed record ClusterSearchResponse(
        [property: JsonPropertyName("query")] string Query,
        [property: JsonPropertyName("mode")] string Mode,
        [property: JsonPropertyName("k")] int K,
        [property: JsonPropertyName("took_ms")] double TookMs,
        [property: JsonPropertyName("hits")] IReadOnlyList<SearchHitView> Hits,
        [property: JsonPropertyName("partial")] bool Partial,
        [property: JsonPropertyName("missing_shards")] IReadOnlyList<int> MissingShards,
        [property: JsonPropertyName("shards")] int Shards);
}
