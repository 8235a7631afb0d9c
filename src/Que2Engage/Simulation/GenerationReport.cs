namespace Que2Engage.Simulation;

/// <summary>Table file format of a generated world (world.json is always JSON).</summary>
public enum TableFileFormat { Parquet, Jsonl }

/// <summary>Progress of one generation stage ("products", "queries", "sessions", "relevance", "world").</summary>
public readonly record struct GenerationProgress(string Stage, long Done, long Total);

/// <summary>Options of one <see cref="MarketplaceGenerator.Generate"/> run that do not change the world itself.</summary>
public sealed record GenerationOptions
{
    public TableFileFormat Format { get; init; } = TableFileFormat.Parquet;

    /// <summary>Replace an existing data directory at the output (otherwise it is refused).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Called for every shown product with the probability the searcher's draw used (inspection, tests).</summary>
    public Action<SampledImpression>? OnImpression { get; init; }

    /// <summary>
    /// Sessions simulated and held in memory at once (see <see cref="MarketplaceGenerator"/>): bounds the memory of the
    /// impression log. The files are identical for any value; only memory and time change. Not a CLI flag.
    /// </summary>
    public int SessionsPerChunk { get; init; } = DefaultSessionsPerChunk;

    /// <summary>Default <see cref="SessionsPerChunk"/>: ≈ 12.5 MB of chunk arrays at 10 shown per session.</summary>
    public const int DefaultSessionsPerChunk = 250_000;
}

/// <summary>What a generation run wrote.</summary>
public sealed record GenerationSummary
{
    public required string OutputDirectory { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public int Products { get; init; }
    public int ProductsWithoutImages { get; init; }
    public int Queries { get; init; }
    public int EvalQueries { get; init; }
    public int TrainSessions { get; init; }
    public int EvalSessions { get; init; }
    public long Impressions { get; init; }
    public long Engaged { get; init; }
    public double EngagementRate => Impressions == 0 ? 0 : (double)Engaged / Impressions;

    /// <summary>Shown impressions by true relevance r = 0, 1, 2.</summary>
    public required long[] ShownByRelevance { get; init; }

    /// <summary>Rated pairs by rating 0, 1, 2.</summary>
    public required long[] RatedByRelevance { get; init; }

    /// <summary>Listings per language code, in <see cref="Languages.Codes"/> order.</summary>
    public required IReadOnlyList<(string Language, int Products)> ProductsByLanguage { get; init; }
    public TimeSpan Elapsed { get; init; }
}
