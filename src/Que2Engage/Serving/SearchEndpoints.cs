using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Serving;

/// <summary>
/// What every search front end (<see cref="SearchServer"/> and the cluster's) serves the same way: the request limits
/// and request metrics, and <c>GET /search</c> (JSON) and <c>GET /</c> (the page) over ONE binding and validation of the
/// query parameters (<see cref="SearchRequest.Bind"/>) and one search function, so the page and the API accept, refuse
/// and answer the same requests.
/// </summary>
public static class SearchEndpoints
{
    /// <summary>Searches a valid request. A single index answers with no missing shards.</summary>
    public delegate Task<ClusterSearchResult> Search(SearchRequest request, CancellationToken ct);

    /// <summary>The JSON body of a /search answer, from the request, the time it took (ms) and the result.</summary>
    public delegate object Response(SearchRequest request, double tookMs, ClusterSearchResult result);

    /// <summary>
    /// Refuses a request target longer than <see cref="SearchServerOptions.MaxUrlLength"/> with 414 and counts every
    /// request in <paramref name="metrics"/> under <paramref name="route"/>(path).
    /// </summary>
    public static void UseLimitsAndMetrics(WebApplication app, SearchServerOptions options, ServerMetrics metrics, Func<string, string> route)
    {
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
                metrics.Record(route(ctx.Request.Path.Value ?? ""), ctx.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        });
    }

    /// <summary>Maps <c>GET /search</c> and <c>GET /</c>.</summary>
    public static void Map(WebApplication app, SearchServerOptions options, bool hasModel, Func<int> catalogSize, Search search, Response response)
    {
        app.MapGet("/search", async (HttpContext ctx) =>
        {
            var (r, error) = SearchRequest.Bind(ctx.Request, options, hasModel, requireQuery: true);
            if (error is not null) return BadRequest(error);
            long start = Stopwatch.GetTimestamp();
            ClusterSearchResult result;
            try { result = await search(r!, ctx.RequestAborted); }
            catch (InvalidInputException e) { return BadRequest(e.Message); }
            return Results.Json(response(r!, Stopwatch.GetElapsedTime(start).TotalMilliseconds, result));
        });

        app.MapGet("/", async (HttpContext ctx) =>
        {
            var (r, error) = SearchRequest.Bind(ctx.Request, options, hasModel, requireQuery: false);
            ClusterSearchResult? result = null;
            double? tookMs = null;
            if (error is null && !string.IsNullOrWhiteSpace(r!.Query))
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    result = await search(r, ctx.RequestAborted);
                    // The page shows a partial answer's hits and says which shards are missing.
                    if (result.Partial)
                        error = $"Partial results: shard{(result.MissingShards.Count == 1 ? "" : "s")} {string.Join(", ", result.MissingShards)} of {result.Shards} did not answer in time.";
                }
                catch (InvalidInputException e) { error = e.Message; }
                tookMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            ctx.Response.Headers.ContentSecurityPolicy = SearchPage.ContentSecurityPolicy;
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            string mode = ctx.Request.Query["mode"].ToString() is { Length: > 0 } m ? m : r?.Mode.ToWire() ?? (hasModel ? "hybrid" : "lexical");
            return Results.Content(SearchPage.Render(ctx.Request.Query["q"].ToString(), mode, result?.Hits, error, catalogSize(), tookMs, r?.Filter),
                "text/html; charset=utf-8", statusCode: error is not null && result is null ? 400 : 200);
        });
    }

    /// <summary>400 with an RFC 7807 problem body.</summary>
    public static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
