namespace Que2Engage.Retrieval;

public enum VectorIndexKind { Flat, Hnsw }

/// <summary>Settings of <see cref="CatalogIndex.Build"/> / <see cref="CatalogIndex.Append"/>.</summary>
public sealed record IndexBuildOptions
{
    public VectorIndexKind Kind { get; init; } = VectorIndexKind.Hnsw;
    public int M { get; init; } = 16;
    public int EfConstruction { get; init; } = 200;
    /// <summary>Query-time ef stored in the index when a search passes none.</summary>
    public int DefaultEf { get; init; } = 64;
    public ulong Seed { get; init; } = 42;
    /// <summary>Products embedded per model call.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Recorded in the manifest so a searcher can find the model the vectors came from.</summary>
    public string? ModelPath { get; init; }

    public static VectorIndexKind ParseKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "flat" => VectorIndexKind.Flat,
        "hnsw" => VectorIndexKind.Hnsw,
        _ => throw new InvalidInputException($"Unknown index kind '{text}' (expected flat or hnsw)."),
    };

    public void Validate()
    {
        if (BatchSize < 1) throw new InvalidInputException($"The batch size must be at least 1 (got {BatchSize}).");
        if (Kind == VectorIndexKind.Hnsw) HnswOptions.Validate();
    }

    public HnswOptions HnswOptions => new() { M = M, EfConstruction = EfConstruction, DefaultEf = DefaultEf, Seed = Seed };
}

/// <summary>Progress of a catalog build: products embedded and indexed so far, and the embedding rate.</summary>
public readonly record struct IndexBuildProgress(int Done, int Total, double DocsPerSecond);
