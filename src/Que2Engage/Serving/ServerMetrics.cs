using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Que2Engage.Serving;

/// <summary>
/// Request counters and latency histograms in the Prometheus text exposition format, kept with Interlocked
/// counters (a metrics library is not among the project's packages and this is all /metrics needs).
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>Histogram bucket upper bounds in seconds.</summary>
    public static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private readonly ConcurrentDictionary<(string Route, int Status), long[]> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new();

    public void Record(string route, int status, double seconds)
    {
        Interlocked.Increment(ref _requests.GetOrAdd((route, status), _ => new long[1])[0]);
        _latency.GetOrAdd(route, _ => new Histogram()).Observe(seconds);
    }

    private readonly ConcurrentDictionary<string, long[]> _writes = new();
    private readonly ConcurrentDictionary<string, long[]> _writeRejects = new();

    /// <summary>Counts an acknowledged catalog write (<paramref name="op"/>: upsert or delete).</summary>
    public void RecordWrite(string op) => Interlocked.Increment(ref _writes.GetOrAdd(op, _ => new long[1])[0]);

    /// <summary>Counts a refused write by reason (unauthorized, forbidden, disabled, invalid, failed).</summary>
    public void RecordWriteReject(string reason) => Interlocked.Increment(ref _writeRejects.GetOrAdd(reason, _ => new long[1])[0]);

    public long WriteCount(string op) => _writes.TryGetValue(op, out var c) ? Interlocked.Read(ref c[0]) : 0;
    public long WriteRejectCount(string reason) => _writeRejects.TryGetValue(reason, out var c) ? Interlocked.Read(ref c[0]) : 0;

    public long RequestCount(string route, int status) => _requests.TryGetValue((route, status), out var c) ? Interlocked.Read(ref c[0]) : 0;

    /// <summary>The server's query batcher, if any (its model calls and queries are exported).</summary>
    public QueryEmbeddingBatcher? QueryBatcher { get; set; }

    public string ToPrometheusText()
    {
        var sb = new StringBuilder();
        sb.Append("# HELP q2e_http_requests_total HTTP requests by route and status code.\n# TYPE q2e_http_requests_total counter\n");
        foreach (var ((route, status), c) in _requests.OrderBy(kv => kv.Key.Route, StringComparer.Ordinal).ThenBy(kv => kv.Key.Status))
            sb.Append(CultureInfo.InvariantCulture, $"q2e_http_requests_total{{route=\"{route}\",code=\"{status}\"}} {Interlocked.Read(ref c[0])}\n");
        sb.Append("# HELP q2e_http_request_duration_seconds Request latency by route.\n# TYPE q2e_http_request_duration_seconds histogram\n");
        foreach (var (route, h) in _latency.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            h.Write(sb, route);
        sb.Append("# HELP q2e_catalog_writes_total Acknowledged catalog writes (on disk and searchable) by operation.\n# TYPE q2e_catalog_writes_total counter\n");
        foreach (var (op, c) in _writes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"q2e_catalog_writes_total{{op=\"{op}\"}} {Interlocked.Read(ref c[0])}\n");
        sb.Append("# HELP q2e_catalog_write_rejects_total Refused catalog writes by reason.\n# TYPE q2e_catalog_write_rejects_total counter\n");
        foreach (var (reason, c) in _writeRejects.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"q2e_catalog_write_rejects_total{{reason=\"{reason}\"}} {Interlocked.Read(ref c[0])}\n");
        if (QueryBatcher is { } b)
        {
            sb.Append("# HELP q2e_query_embedding_batches_total Batched query-embedding model calls.\n# TYPE q2e_query_embedding_batches_total counter\n");
            sb.Append(CultureInfo.InvariantCulture, $"q2e_query_embedding_batches_total {b.Batches}\n");
            sb.Append("# HELP q2e_query_embeddings_total Queries embedded by the batcher.\n# TYPE q2e_query_embeddings_total counter\n");
            sb.Append(CultureInfo.InvariantCulture, $"q2e_query_embeddings_total {b.Queries}\n");
        }
        return sb.ToString();
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length + 1];
        private long _sumMicros;

        public void Observe(double seconds)
        {
            int i = 0;
            while (i < Buckets.Length && seconds > Buckets[i]) i++;
            Interlocked.Increment(ref _counts[i]);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
        }

        public void Write(StringBuilder sb, string route)
        {
            long cumulative = 0;
            for (int i = 0; i < Buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                sb.Append(CultureInfo.InvariantCulture, $"q2e_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{Buckets[i]}\"}} {cumulative}\n");
            }
            cumulative += Interlocked.Read(ref _counts[^1]);
            sb.Append(CultureInfo.InvariantCulture, $"q2e_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {cumulative}\n");
            sb.Append(CultureInfo.InvariantCulture, $"q2e_http_request_duration_seconds_sum{{route=\"{route}\"}} {Interlocked.Read(ref _sumMicros) / 1e6}\n");
            sb.Append(CultureInfo.InvariantCulture, $"q2e_http_request_duration_seconds_count{{route=\"{route}\"}} {cumulative}\n");
        }
    }
}
