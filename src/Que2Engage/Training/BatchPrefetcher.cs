using Que2Engage.Modeling;

namespace Que2Engage.Training;

/// <summary>A batch's examples with their model inputs read, ready to become tensors.</summary>
public sealed record PreparedBatch(long Position, IReadOnlyList<TrainingExample> Examples,
    IReadOnlyList<QueryFeatures> Queries, IReadOnlyList<ProductFeatures> Documents);

/// <summary>
/// Prepares the next batch on a worker thread while the current step runs: drawing its examples and reading their
/// features from the memory-mapped training set (page faults on a cold cache included). Tensors are still made on
/// the training thread, inside its dispose scope. The sampler is only ever called by one thread at a time: the
/// pending preparation is awaited before another starts.
/// </summary>
public sealed class BatchPrefetcher(Func<long, PreparedBatch> prepare) : IDisposable
{
    private Task<PreparedBatch>? _pending;

    /// <summary>The batch at <paramref name="position"/>; then starts preparing <paramref name="next"/> (null: nothing more).</summary>
    public PreparedBatch Take(long position, long? next)
    {
        PreparedBatch batch;
        var pending = _pending;
        _pending = null;
        if (pending is not null)
        {
            batch = pending.GetAwaiter().GetResult();
            if (batch.Position != position) batch = prepare(position);
        }
        else batch = prepare(position);
        if (next is long n) _pending = Task.Run(() => prepare(n));
        return batch;
    }

    public void Dispose()
    {
        try { _pending?.Wait(); }
        catch (AggregateException) { /* the run is ending; its error, if any, was not needed */ }
        _pending = null;
    }
}
