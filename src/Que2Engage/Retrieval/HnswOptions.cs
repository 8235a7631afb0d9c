namespace Que2Engage.Retrieval;

/// <summary>
/// Build parameters of the <see cref="VectorIndexKind.Hnsw"/> index (Malkov &amp; Yashunin 2018 names): <see cref="M"/> links per node on
/// upper layers (2·M on layer 0), <see cref="EfConstruction"/> candidates while inserting, <see cref="DefaultEf"/>
/// candidates at query time unless a query overrides it, and the <see cref="Seed"/> of the level generator, and the <see cref="Quantization"/> of the walk.
/// </summary>
public sealed record HnswOptions
{
    public int M { get; init; } = 16;
    public int EfConstruction { get; init; } = 200;
    public int DefaultEf { get; init; } = 64;
    public ulong Seed { get; init; } = 42;
    /// <summary>What the query-time walk compares: float vectors, or 8-bit codes with an exact float re-rank.</summary>
    public VectorQuantization Quantization { get; init; } = VectorQuantization.None;

    public void Validate()
    {
        if (M < 2 || M > 256) throw new InvalidInputException($"HNSW M must be in 2..256 (got {M}).");
        if (EfConstruction < 1 || EfConstruction > 100_000) throw new InvalidInputException($"HNSW efConstruction must be in 1..100000 (got {EfConstruction}).");
        if (DefaultEf < 1 || DefaultEf > 100_000) throw new InvalidInputException($"HNSW ef must be in 1..100000 (got {DefaultEf}).");
    }
}
