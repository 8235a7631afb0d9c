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

        SearchEndpoints.UseLimitsAndMetrics(app, options, metrics, path => path is "/search" or "/healthz" or "/metrics" or "/" ? path : "other");

        app.MapGet("/healthz", () =>
        {
            var live = Enumerable.Range(0, fanOut.Routes.Shards).Select(fanOut.ReachableReplicas).ToArray();
            return Results.Json(new
            {
                status = live.Length > 0 && live.All(n => n > 0) ? "ok" : "degraded",
                products = catalogSize(), model = model is not null, shards = live.Length, replicas = live,
            });
        });

        metrics.Map(app);
        var partial = metrics.Factory.CreateCounter("q2e_cluster_partial_answers_total", "Answers missing at least one shard.");
        var failedAttempts = metrics.Factory.CreateCounter("q2e_cluster_failed_replica_attempts_total",
            "Replica calls that failed or timed out (retried on another replica).");
        var replicas = metrics.Factory.CreateGauge("q2e_cluster_replicas", "Reachable replicas per shard: known to the cluster and answering their last call.", ["shard"]);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            failedAttempts.IncTo(fanOut.FailedAttempts);
            for (int s = 0; s < fanOut.Routes.Shards; s++)
                replicas.WithLabels(s.ToString(CultureInfo.InvariantCulture)).Set(fanOut.ReachableReplicas(s));
        });

        async Task<ClusterSearchResult> Search(SearchRequest r, CancellationToken ct)
        {
            var vector = r.Mode == SearchMode.Lexical ? null
                : EmbeddingChecks.Normalised(model!.EmbedQueries([r.Query])[0], model.Dimension, "query embedding", extra: model.ExtraCoordinates);
            var result = await fanOut.SearchAsync(r.Query, vector, r.K, r.Mode, r.Ef, r.Filter, ct);
            if (result.Partial) partial.Inc();
            return result;
        }

        SearchEndpoints.Map(app, options, model is not null, catalogSize, Search,
            (r, tookMs, result) => new ClusterSearchResponse(r.Query, r.Mode.ToWire(), r.K, tookMs,
                result.Hits.Select(SearchHitView.From).ToList(), result.Partial, result.MissingShards, result.Shards));
        return app;
    }

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
