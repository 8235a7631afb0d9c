namespace Que2Engage.Serving;

/// <summary>Where the server listens and the size limits it enforces on every input.</summary>
public sealed record SearchServerOptions
{
    /// <summary>Loopback by default: exposing the service is a deliberate choice (host 0.0.0.0).</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = 8080;
    public int MaxQueryLength { get; init; } = 512;
    public int MaxK { get; init; } = 1000;
    public int DefaultK { get; init; } = 10;
    public int MaxEf { get; init; } = 10_000;
    /// <summary>
    /// Longest accepted request target (path and query string) in bytes; longer ones get 414 from the server's own
    /// middleware, so they are counted in /metrics. Kestrel's request-line limit is set 4× higher, so only targets
    /// beyond that are refused by Kestrel itself, before any middleware (and uncounted).
    /// </summary>
    public int MaxUrlLength { get; init; } = 8 * 1024;
    /// <summary>Largest accepted request body (POST /embed) in bytes.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024;
    /// <summary>Bearer key of PUT/DELETE /products/{id}; null = writes are off. Needs a writable index and a model.</summary>
    public string? WriteKey { get; init; }
    /// <summary>Largest accepted product record body (image embeddings make records larger than queries).</summary>
    public long MaxWriteBodyBytes { get; init; } = 1024 * 1024;
    /// <summary>Embed concurrent /search queries together (<see cref="QueryEmbeddingBatcher"/>); false: one model call per request.</summary>
    public bool QueryBatching { get; init; } = true;
    /// <summary>Most queries per batched model call.</summary>
    public int MaxQueryBatch { get; init; } = 32;
    /// <summary>Longest a query waits for others to join its batch.</summary>
    public TimeSpan MaxQueryBatchWait { get; init; } = TimeSpan.FromMilliseconds(1);
}
