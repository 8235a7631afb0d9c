using System.Text.Json.Serialization;
using Que2Engage.Modeling;

namespace Que2Engage.Training.Cache;

/// <summary>
/// cache.json of a training cache: what it was built from (the data files' checksums, the featurisation), what it
/// holds (counts, the catalogue's context statistics and image dimension, the rows' <see cref="DataIdentity"/>) and
/// every section file with its length and checksum. Written last, inside the staging directory, so a cache without
/// it was never finished.
/// </summary>
public sealed record TrainingCacheHeader
{
    public const string FileName = "cache.json";
    public const string FormatName = "q2e-training-cache";
    /// <summary>Bumped whenever a section's layout or meaning changes; another version is rebuilt, never read.</summary>
    public const int CurrentVersion = 1;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;
    /// <summary>The featurisation the token and trigram sections were made with (<see cref="TrainingCache.FeaturizationOf"/>).</summary>
    [JsonPropertyName("featurization")] public string Featurization { get; init; } = "";
    /// <summary>The data files read, relative to the data directory, with their sizes and checksums (empty for a cache built from lists).</summary>
    [JsonPropertyName("sources")] public List<CacheSource> Sources { get; init; } = [];
    [JsonPropertyName("lenient")] public bool Lenient { get; init; }
    /// <summary>Rows skipped as invalid per file (lenient), relative paths.</summary>
    [JsonPropertyName("skipped_rows")] public SortedDictionary<string, long> SkippedRows { get; init; } = [];
    /// <summary>Product rows stored (the sections' length), valid or not.</summary>
    [JsonPropertyName("products")] public int Products { get; init; }
    /// <summary>Products an impression may name (stored minus rejected ones).</summary>
    [JsonPropertyName("valid_products")] public int ValidProducts { get; init; }
    [JsonPropertyName("image_dim")] public int ImageDim { get; init; }
    [JsonPropertyName("queries")] public int Queries { get; init; }
    /// <summary>Usable training impressions stored (a query and a catalogue product).</summary>
    [JsonPropertyName("impressions")] public long Impressions { get; init; }
    [JsonPropertyName("engaged")] public long Engaged { get; init; }
    [JsonPropertyName("sessions")] public int Sessions { get; init; }
    /// <summary>Impressions given but not usable (no query, or a product not in the catalogue).</summary>
    [JsonPropertyName("unusable_impressions")] public long UnusableImpressions { get; init; }
    [JsonPropertyName("categories")] public List<string> Categories { get; init; } = [];
    [JsonPropertyName("context_statistics")] public ContextStatistics ContextStatistics { get; init; } = new();
    [JsonPropertyName("data")] public DataIdentity Data { get; init; } = new();
    [JsonPropertyName("sections")] public List<CacheSection> Sections { get; init; } = [];
}

/// <summary>A data file a cache was built from.</summary>
public sealed record CacheSource(string File, long Bytes, string Checksum);
