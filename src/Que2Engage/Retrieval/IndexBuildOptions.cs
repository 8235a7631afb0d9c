namespace Que2Engage.Retrieval;

/// <summary>Settings of <see cref="CatalogIndex.Build"/> / <see cref="CatalogIndex.Append"/>.</summary>
public sealed record IndexBuildOptions
{
    public VectorIndexKind Kind { get; init; } = VectorIndexKind.Hnsw;
    public int M { get; init; } = 16;
    public int EfConstruction { get; init; } = 200;
    /// <summary>Query-time ef stored in the index when a search passes none.</summary>
    public int DefaultEf { get; init; } = 64;
    public ulong Seed { get; init; } = 42;
    /// <summary>HNSW only: int8 codes for the query-time walk, exact float re-rank.</summary>
    public VectorQuantization Quantization { get; init; } = VectorQuantization.None;
    /// <summary>
    /// Threads that insert the embedded products into the HNSW graph. 1 (the default) builds the deterministic graph of
    /// the seed; more build as good a graph faster but scheduling-dependent (the CLI's index verb defaults to every core).
    /// </summary>
    public int Threads { get; init; } = 1;
    /// <summary>Products embedded per model call.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Recorded in the manifest so a searcher can find the model the vectors came from.</summary>
    public string? ModelPath { get; init; }

    public static VectorIndexKind ParseKind(string? text) => VectorIndexKind.Parse(text);

    public static VectorQuantization ParseQuantization(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "none" or "float" or "" or null => VectorQuantization.None,
        "int8" => VectorQuantization.Int8,
        _ => throw new InvalidInputException($"Unknown quantization '{text}' (expected none or int8)."),
    };

    public void Validate()
    {
        if (Threads < 1) throw InvalidInputException.Setting($"IndexBuildOptions.Threads must be at least 1 (got {Threads}).", "IndexBuildOptions.Threads");
        if (Quantization != VectorQuantization.None && Kind != VectorIndexKind.Hnsw)
            throw InvalidInputException.Setting("IndexBuildOptions.Quantization int8 needs an HNSW index (IndexBuildOptions.Kind hnsw); a flat index scans the float vectors.",
                "IndexBuildOptions.Quantization", "IndexBuildOptions.Kind");
        if (BatchSize < 1) throw InvalidInputException.Setting($"IndexBuildOptions.BatchSize must be at least 1 (got {BatchSize}).", "IndexBuildOptions.BatchSize");
        if (Kind == VectorIndexKind.Hnsw) HnswOptions.Validate();
    }

    public HnswOptions HnswOptions => new() { M = M, EfConstruction = EfConstruction, DefaultEf = DefaultEf, Seed = Seed, Quantization = Quantization };
}

public enum IndexBuildPhase { Embedding, Indexing }

/// <summary>Progress of a catalog build: products embedded (then inserted into the vector index) so far, and the phase's rate.</summary>
public readonly record struct IndexBuildProgress(int Done, int Total, double DocsPerSecond, IndexBuildPhase Phase = IndexBuildPhase.Embedding);
