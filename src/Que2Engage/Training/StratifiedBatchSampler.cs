namespace Que2Engage.Training;

/// <summary>
/// Batches with a fixed share f of engaged examples: B engaged examples (B = the batch size, so the relevance softmax
/// over the engaged rows is as large as Que2Search's contrastive batch) from a seeded stream of the engaged examples,
/// plus round(B·(1−f)/f) from a stream of the shown-not-engaged ones, each stream a <see cref="BatchSampler"/> of its
/// own (every example visited once per epoch of its stream). f = 0.5 is the paper's training set, 75M engaged of
/// 150M shown pairs; the impression log itself is ≈ 16 % engaged on the default world. Batch k (position k·B) takes
/// stream positions k·B and k·n_other, so a checkpoint's position still says where both streams are.
/// </summary>
public sealed class StratifiedBatchSampler : IBatchSampler
{
    private readonly BatchSampler _engaged;
    private readonly BatchSampler _other;
    private readonly double _fraction;

    public StratifiedBatchSampler(IExampleSource engaged, IExampleSource other, double engagedFraction, long seed)
    {
        if (!(engagedFraction > 0 && engagedFraction < 1))
            throw new InvalidInputException($"engaged fraction must be in (0, 1) (got {engagedFraction})");
        if (engaged.Count == 0 || other.Count == 0)
            throw new InvalidInputException(
                $"an engaged fraction needs both engaged and shown-not-engaged impressions (got {engaged.Count} engaged, {other.Count} not)");
        _engaged = new BatchSampler(engaged, seed);
        _other = new BatchSampler(other, seed ^ 0x5EED_0F0E);
        _fraction = engagedFraction;
    }

    public long Count => _engaged.Count + _other.Count;

    /// <summary>Shown-not-engaged examples added to <paramref name="batchSize"/> engaged ones (at least 1).</summary>
    public int OthersPerBatch(int batchSize) => Math.Max(1, (int)Math.Round(batchSize * (1 - _fraction) / _fraction));

    public IReadOnlyList<TrainingExample> Batch(long position, int batchSize)
    {
        int nEngaged = batchSize, nOther = OthersPerBatch(batchSize);
        long batchIndex = position / batchSize;
        var batch = new List<TrainingExample>(nEngaged + nOther);
        batch.AddRange(_engaged.Batch(batchIndex * nEngaged, nEngaged));
        batch.AddRange(_other.Batch(batchIndex * nOther, nOther));
        return batch;
    }
}
