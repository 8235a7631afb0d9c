using Que2Engage.Common;
namespace Que2Engage.Training;

/// <summary>A seeded, endless stream of training batches addressed by a global example position.</summary>
public interface IBatchSampler
{
    IReadOnlyList<TrainingExample> Batch(long position, int batchSize);
}

/// <summary>
/// An endless, seeded stream of examples: epoch e visits every example once in a permutation that is a pure
/// function of (seed, e). A batch is the next B examples from a global position (crossing epoch boundaries), so
/// the data position of a checkpoint is a single number and every batch is full (BatchNorm needs ≥ 2 rows).
/// </summary>
public sealed class BatchSampler : IBatchSampler
{
    private readonly IReadOnlyList<TrainingExample> _examples;
    private readonly long _seed;
    private long _cachedEpoch = -1;
    private int[] _permutation = [];

    public BatchSampler(IReadOnlyList<TrainingExample> examples, long seed)
    {
        if (examples.Count == 0) throw new InvalidInputException("no training examples");
        _examples = examples;
        _seed = seed;
    }

    public int Count => _examples.Count;

    public IReadOnlyList<TrainingExample> Batch(long position, int batchSize)
    {
        var batch = new TrainingExample[batchSize];
        for (int k = 0; k < batchSize; k++)
        {
            long index = position + k;
            long epoch = index / _examples.Count;
            batch[k] = _examples[Permutation(epoch)[(int)(index % _examples.Count)]];
        }
        return batch;
    }

    private int[] Permutation(long epoch)
    {
        if (epoch != _cachedEpoch)
        {
            _permutation = Enumerable.Range(0, _examples.Count).ToArray();
            var rng = SplitMix64.For(_seed, epoch + 1);
            rng.Shuffle(_permutation);
            _cachedEpoch = epoch;
        }
        return _permutation;
    }
}
