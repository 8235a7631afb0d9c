namespace Que2Engage.Training;

/// <summary>A seeded, endless stream of training batches addressed by a global example position.</summary>
public interface IBatchSampler
{
    /// <summary>Examples in one epoch (what --epochs counts).</summary>
    long Count { get; }

    IReadOnlyList<TrainingExample> Batch(long position, int batchSize);
}

/// <summary>
/// An endless, seeded stream of examples: epoch e visits every example once, in the <see cref="StreamOrder"/> of
/// (seed, e). A batch is the next B examples from a global position (crossing epoch boundaries), so the data position
/// of a checkpoint is a single number and every batch is full (BatchNorm needs ≥ 2 rows).
/// </summary>
public sealed class BatchSampler : IBatchSampler
{
    private readonly IExampleSource _examples;
    private readonly StreamOrder _order;

    public BatchSampler(IExampleSource examples, long seed, int window = StreamOrder.DefaultWindow, int block = StreamOrder.DefaultBlock)
    {
        _examples = examples;
        _order = new StreamOrder(examples.Count, seed, window, block);
    }

    public long Count => _examples.Count;

    public IReadOnlyList<TrainingExample> Batch(long position, int batchSize)
    {
        var batch = new TrainingExample[batchSize];
        for (int k = 0; k < batchSize; k++) batch[k] = _examples[_order[position + k]];
        return batch;
    }
}
