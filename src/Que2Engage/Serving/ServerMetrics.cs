using Microsoft.AspNetCore.Builder;
using Prometheus;

namespace Que2Engage.Serving;

/// <summary>
/// A front end's Prometheus metrics (prometheus-net), in a registry of its own so that servers in one process (tests)
/// do not share counters; <see cref="Map"/> serves them at <c>/metrics</c>. The cluster front end adds its own metrics
/// through <see cref="Factory"/>.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>Histogram bucket upper bounds in seconds.</summary>
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public IMetricFactory Factory { get; }

    private readonly Counter _requests;
    private readonly Histogram _latency;
    private readonly Counter _writes;
    private readonly Counter _writeRejects;

    public ServerMetrics()
    {
        Factory = Metrics.WithCustomRegistry(Registry);
        _requests = Factory.CreateCounter("q2e_http_requests_total", "HTTP requests by route and status code.", ["route", "code"]);
        _latency = Factory.CreateHistogram("q2e_http_request_duration_seconds", "Request latency by route.", ["route"],
            new HistogramConfiguration { Buckets = Buckets });
        _writes = Factory.CreateCounter("q2e_catalog_writes_total", "Acknowledged catalog writes (on disk and searchable) by operation.", ["op"]);
        _writeRejects = Factory.CreateCounter("q2e_catalog_write_rejects_total", "Refused catalog writes by reason.", ["reason"]);
    }

    public void Record(string route, int status, double seconds)
    {
        _requests.WithLabels(route, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        _latency.WithLabels(route).Observe(seconds);
    }

    /// <summary>Counts an acknowledged catalog write (<paramref name="op"/>: upsert or delete).</summary>
    public void RecordWrite(string op) => _writes.WithLabels(op).Inc();

    /// <summary>Counts a refused write by reason (unauthorized, forbidden, disabled, invalid, failed).</summary>
    public void RecordWriteReject(string reason) => _writeRejects.WithLabels(reason).Inc();

    /// <summary>Exports the model calls and queries of the server's query batcher.</summary>
    public void Export(QueryEmbeddingBatcher batcher)
    {
        var batches = Factory.CreateCounter("q2e_query_embedding_batches_total", "Batched query-embedding model calls.");
        var queries = Factory.CreateCounter("q2e_query_embeddings_total", "Queries embedded by the batcher.");
        Registry.AddBeforeCollectCallback(() =>
        {
            batches.IncTo(batcher.Batches);
            queries.IncTo(batcher.Queries);
        });
    }

    /// <summary>Serves the registry at <c>GET /metrics</c> in the Prometheus text format.</summary>
    public void Map(WebApplication app) => app.MapMetrics("/metrics", Registry);
}
