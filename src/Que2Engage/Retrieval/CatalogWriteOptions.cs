namespace Que2Engage.Retrieval;

/// <summary>
/// When a writable <see cref="CatalogIndex"/> compacts: a background rebuild of the vector and lexical indexes from
/// the live listings only, written as a new generation that folds the write-ahead log in (a checkpoint).
/// </summary>
public sealed record CatalogWriteOptions
{
    /// <summary>Compact once tombstones (deleted or replaced listings still in the graph) reach this share of all nodes…</summary>
    public double CompactTombstoneFraction { get; init; } = 0.25;
    /// <summary>…and at least this many (small catalogs are not rebuilt for a handful of deletes).</summary>
    public int CompactMinTombstones { get; init; } = 1000;
    /// <summary>Also checkpoint when the log holds this many records not yet folded into the generation.</summary>
    public long CheckpointLogRecords { get; init; } = 100_000;
    /// <summary>Most writes committed with one fsync (group commit).</summary>
    public int MaxBatch { get; init; } = 256;

    public void Validate()
    {
        if (!(CompactTombstoneFraction > 0 && CompactTombstoneFraction <= 1))
            throw new InvalidInputException($"The compaction tombstone fraction must be in (0, 1] (got {CompactTombstoneFraction}).");
        if (CompactMinTombstones < 1) throw new InvalidInputException($"The minimum tombstones before compaction must be at least 1 (got {CompactMinTombstones}).");
        if (CheckpointLogRecords < 1) throw new InvalidInputException($"The log records before a checkpoint must be at least 1 (got {CheckpointLogRecords}).");
        if (MaxBatch < 1) throw new InvalidInputException($"The write batch must be at least 1 (got {MaxBatch}).");
    }
}
