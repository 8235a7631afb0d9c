using System.Collections.Concurrent;
using System.Diagnostics;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;

namespace Que2Engage.Serving;

/// <summary>
/// Dynamic micro-batching of query embeddings: concurrent requests enqueue their query text, one dedicated thread
/// takes the first waiting query, gathers more for at most <see cref="MaxWait"/> (or until <see cref="MaxBatch"/>),
/// embeds them in one model call and completes each request's task. One forward pass over 16 queries costs little
/// more than over one (the towers are small matrix products), so under concurrency the per-query cost falls and
/// requests stop queueing on the model's inference lock one by one. A lone query waits at most <see cref="MaxWait"/>.
/// </summary>
public sealed class QueryEmbeddingBatcher : IDisposable
{
    private readonly IEmbeddingModel _model;
    private readonly int _dimension;
    private readonly BlockingCollection<Pending> _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;
    private readonly int _torchThreads;
    private long _batches, _queries;

    private sealed record Pending(string Query, TaskCompletionSource<float[]> Result);

    /// <param name="dimension">The index's vector dimension (each embedding is checked and normalised as <see cref="CatalogIndex.EmbedQuery"/> does).</param>
    public QueryEmbeddingBatcher(IEmbeddingModel model, int dimension, int maxBatch = 32, TimeSpan? maxWait = null)
    {
        if (maxBatch < 1) throw new InvalidInputException($"The query batch size must be at least 1 (got {maxBatch}).");
        _model = model;
        _dimension = dimension;
        MaxBatch = maxBatch;
        MaxWait = maxWait ?? TimeSpan.FromMilliseconds(1);
        if (MaxWait < TimeSpan.Zero) throw new InvalidInputException($"The batching wait must not be negative (got {MaxWait}).");
        // libtorch's intra-op thread count is OpenMP state of the thread that sets it: a new thread starts with one
        // OpenMP thread per core, so the batching thread takes the creating thread's setting (e.g. serve's 1 thread).
        _torchThreads = model is TorchSharp.torch.nn.Module ? TorchSharp.torch.get_num_threads() : 0;
        _worker = new Thread(Run) { IsBackground = true, Name = "query-embedding-batcher" };
        _worker.Start();
    }

    public int MaxBatch { get; }
    public TimeSpan MaxWait { get; }
    /// <summary>Model calls made so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);
    /// <summary>Queries embedded so far (÷ <see cref="Batches"/> = the mean batch size).</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>The query's normalised embedding, computed in a batch with the queries that arrive with it.</summary>
    public Task<float[]> EmbedAsync(string query)
    {
        var tcs = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try { _queue.Add(new Pending(query, tcs)); }
        catch (InvalidOperationException) { tcs.SetException(new ObjectDisposedException(nameof(QueryEmbeddingBatcher))); }
        return tcs.Task;
    }

    private void Run()
    {
        if (_torchThreads > 0) TorchSharp.torch.set_num_threads(_torchThreads);
        var batch = new List<Pending>(MaxBatch);
        var clock = new Stopwatch();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                batch.Clear();
                batch.Add(_queue.Take(_stop.Token));
                clock.Restart();
                while (batch.Count < MaxBatch)
                {
                    if (_queue.TryTake(out var next)) { batch.Add(next); continue; }
                    var remaining = MaxWait - clock.Elapsed;
                    if (remaining <= TimeSpan.Zero || !_queue.TryTake(out next, Math.Max(1, (int)Math.Ceiling(remaining.TotalMilliseconds)), _stop.Token)) break;
                    batch.Add(next);
                }
                Embed(batch);
            }
        }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { } // the queue was completed
        foreach (var p in batch) p.Result.TrySetException(new ObjectDisposedException(nameof(QueryEmbeddingBatcher)));
        while (_queue.TryTake(out var left)) left.Result.TrySetException(new ObjectDisposedException(nameof(QueryEmbeddingBatcher)));
    }

    private void Embed(List<Pending> batch)
    {
        try
        {
            var vectors = _model.EmbedQueries(batch.Select(p => p.Query).ToList());
            if (vectors.Length != batch.Count)
                throw new Que2EngageException($"The model returned {vectors.Length} vectors for a batch of {batch.Count} queries.");
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _queries, batch.Count);
            for (int i = 0; i < batch.Count; i++)
            {
                float[] v;
                try { v = EmbeddingChecks.Normalised(vectors[i], _dimension, "query embedding", extra: _model.ExtraCoordinates); }
                catch (Exception e) { batch[i].Result.TrySetException(e); continue; }
                batch[i].Result.TrySetResult(v);
            }
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Result.TrySetException(e);
        }
        batch.Clear();
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _queue.CompleteAdding();
        _stop.Cancel();
        _worker.Join();
        _queue.Dispose();
        _stop.Dispose();
    }
}
