namespace Que2Engage.Training;

/// <summary>
/// Batches with a fixed share of engaged examples: round(f·B) from a seeded stream of the engaged examples and the
/// rest from a stream of the shown-not-engaged ones, each stream a <see cref="BatchSampler"/> of its own (every
/// example visited once per epoch of its stream). f = 0.5 is the paper's training set, 75M engaged of 150M shown
/// pairs; the impression log itself is ≈ 16 % engaged on the default world. Batch k of size B (position k·B) takes
/// stream positions k·n_engaged and k·n_other, so a checkpoint's position still says where both streams are.
/// </summary>
public sealed class StratifiedBatchSampler : IBatchSampler
{
    private readonly BatchSampler _engaged;
    private readonly BatchSampler _other;
    private readonly double _fraction;

    public StratifiedBatchSampler(IReadOnlyList<TrainingExample> examples, double engagedFraction, long seed)
    {
        if (!(engagedFraction > 0 && engagedFraction < 1))
            throw new InvalidInputException($"engaged fraction must be in (0, 1) (got {engagedFraction})");
        var engaged = examples.Where(e => e.Engaged).ToList();
        var other = examples.Where(e => !e.Engaged).ToList();
        if (engaged.Count == 0 || other.Count == 0)
            throw new InvalidInputException(
                $"an engaged fraction needs both engaged and shown-not-engaged impressions (got {engaged.Count} engaged, {other.Count} not)");
        _engaged = new BatchSampler(engaged, seed);
        _other = new BatchSampler(other, seed ^ 0x5EED_0F0E);
        _fraction = engagedFraction;
    }

    public int EngagedPerBatch(int batchSize) => Math.Clamp((int)Math.Round(_fraction * batchSize), 1, batchSize - 1);

    public IReadOnlyList<TrainingExample> Batch(long position, int batchSize)
    {
        int nEngaged = EngagedPerBatch(batchSize), nOther = batchSize - nEngaged;
        long batchIndex = position / batchSize;
        var batch = new List<TrainingExample>(batchSize);
        batch.AddRange(_engaged.Batch(batchIndex * nEngaged, nEngaged));
        batch.AddRange(_other.Batch(batchIndex * nOther, nOther));
        return batch;
    }
}
