namespace Que2Engage.Simulation;

/// <summary>
/// Everything that defines a simulated marketplace. Same settings → byte-identical files.
/// Defaults are the demo size (generates in seconds on 2 cores).
/// </summary>
public sealed record WorldSettings
{
    public int Products { get; init; } = 20_000;
    public int Queries { get; init; } = 5_000;
    public int Sessions { get; init; } = 25_000;
    public ulong Seed { get; init; } = 42;

    /// <summary>Language codes used for listings and queries; a subset of <see cref="Languages.Codes"/>.</summary>
    public IReadOnlyList<string> Languages { get; init; } = Simulation.Languages.Codes;

    public int ImageDim { get; init; } = 64;
    public int ShownPerSession { get; init; } = 10;

    /// <summary>Share of queries held out for evaluation (their sessions go to eval/impressions, and they get rated pairs).</summary>
    public double EvalQueryFraction { get; init; } = 0.2;

    /// <summary>Rated (query, product) pairs per eval query in eval/relevance.</summary>
    public int RelevancePairsPerEvalQuery { get; init; } = 8;

    /// <summary>Mix of what the "production system" shows: exact (r=2), partial (r=1), lexical false positives (r=0).</summary>
    public double ShownExactShare { get; init; } = 0.60;
    public double ShownPartialShare { get; init; } = 0.25;
    public double ShownLexicalShare { get; init; } = 0.15;

    /// <summary>Share of listings without any photo (empty image modality).</summary>
    public double NoImageShare { get; init; } = 0.10;

    /// <summary>Zipf exponent of query popularity across sessions.</summary>
    public double QueryZipfExponent { get; init; } = 0.8;

    public EngagementParameters Engagement { get; init; } = new();

    /// <summary>Throws <see cref="InvalidInputException"/> naming the first bad value.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new InvalidInputException(message);
        }
        static void RequireSetting(bool ok, string setting, string message)
        {
            if (!ok) throw InvalidInputException.Setting($"{setting} {message}", setting);
        }
        RequireSetting(Products >= 1, "WorldSettings.Products", $"must be at least 1 (got {Products}).");
        RequireSetting(Queries >= 1, "WorldSettings.Queries", $"must be at least 1 (got {Queries}).");
        RequireSetting(Sessions >= 0, "WorldSettings.Sessions", $"must not be negative (got {Sessions}).");
        Require(ImageDim >= 1, $"image dimension must be at least 1 (got {ImageDim}).");
        Require(ShownPerSession >= 1, $"shown per session must be at least 1 (got {ShownPerSession}).");
        Require(ShownPerSession <= Products, $"shown per session ({ShownPerSession}) cannot exceed the number of products ({Products}).");
        Require(EvalQueryFraction is >= 0 and <= 1, $"eval query fraction must be in [0, 1] (got {EvalQueryFraction}).");
        Require(RelevancePairsPerEvalQuery >= 0, $"relevance pairs per eval query must not be negative (got {RelevancePairsPerEvalQuery}).");
        Require(ShownExactShare >= 0 && ShownPartialShare >= 0 && ShownLexicalShare >= 0 &&
                ShownExactShare + ShownPartialShare + ShownLexicalShare > 0, "shown shares must be non-negative and not all zero.");
        Require(NoImageShare is >= 0 and <= 1, $"no-image share must be in [0, 1] (got {NoImageShare}).");
        Require(QueryZipfExponent >= 0, $"query Zipf exponent must not be negative (got {QueryZipfExponent}).");
        Require(Languages.Count >= 1, "at least one language is required.");
        foreach (var l in Languages)
            Require(Array.IndexOf(Simulation.Languages.Codes, l) >= 0,
                $"unknown language '{l}' (known: {string.Join(", ", Simulation.Languages.Codes)}).");
        Require(Languages.Distinct().Count() == Languages.Count, "languages must not repeat.");
        // Sizes against memory, before anything is allocated: per product ≈ 15 bytes of hidden truth and category lists,
        // per shown impression of one chunk of sessions 5 bytes (product ordinal + engaged flag; the log is simulated in
        // chunks, MarketplaceGenerator), per query a few hundred bytes of text and pools. The impression count stays
        // within one array's bound (as when the whole log was held at once).
        Common.MemoryBudget.RequireArray(Products, $"WorldSettings.Products {Products}", "generate a smaller catalog", "WorldSettings.Products");
        Common.MemoryBudget.RequireArray((long)Sessions * ShownPerSession, $"WorldSettings.Sessions {Sessions}", "generate fewer sessions", "WorldSettings.Sessions");
        double chunkSessions = Math.Min(Sessions, GenerationOptions.DefaultSessionsPerChunk);
        Common.MemoryBudget.Require(15.0 * Products + 5.0 * chunkSessions * ShownPerSession + 256.0 * Queries,
            $"WorldSettings.Products {Products} WorldSettings.Sessions {Sessions} WorldSettings.Queries {Queries}", "generate a smaller marketplace",
            "WorldSettings.Products", "WorldSettings.Sessions", "WorldSettings.Queries");
    }

    /// <summary>Indices (into <see cref="Simulation.Languages.Codes"/>) of the enabled languages, in settings order.</summary>
    public int[] LanguageIndices() => Languages.Select(l => Array.IndexOf(Simulation.Languages.Codes, l)).ToArray();
}
