using System.Text.Json;
using System.Text.Json.Serialization;

namespace Que2Engage.Retrieval;

/// <summary>manifest.json of a catalog index directory: what was built, with which model, and how big it is.</summary>
public sealed record IndexManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "que2engage-catalog-index";
    public const int CurrentVersion = 1;
    public const string VectorsFile = "vectors.q2v";
    public const string LexicalDirectory = "lexical";
    public const string ProductsFile = "products.jsonl";
    /// <summary>The append-only write-ahead log of upserts and deletes not yet folded into a generation.</summary>
    public const string WriteLogFile = "writes.wal";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentVersion;
    [JsonPropertyName("created_utc")] public DateTime CreatedUtc { get; init; }
    [JsonPropertyName("updated_utc")] public DateTime UpdatedUtc { get; init; }
    /// <summary>The model directory the vectors were made with (absolute path); queries must use the same model.</summary>
    [JsonPropertyName("model_path")] public string? ModelPath { get; init; }
    /// <summary>
    /// The identity of the model that made the vectors (<see cref="Modeling.IEmbeddingModel.Identity"/>: the checksum of
    /// its weights); a model with another identity is refused. Null in indexes built before identities were recorded.
    /// </summary>
    [JsonPropertyName("model_id")] public string? ModelId { get; init; }
    [JsonPropertyName("dimension")] public int Dimension { get; init; }
    /// <summary>Trailing vector coordinates outside the unit-length embedding (1: the model's engagement prior; see IEmbeddingModel.ExtraCoordinates).</summary>
    [JsonPropertyName("extra_coordinates")] public int ExtraCoordinates { get; init; }
    [JsonPropertyName("products")] public int Products { get; init; }
    [JsonPropertyName("vector_kind")] public VectorIndexKind VectorKind { get; init; } = VectorIndexKind.Flat;
    [JsonPropertyName("hnsw_m")] public int? HnswM { get; init; }
    [JsonPropertyName("hnsw_ef_construction")] public int? HnswEfConstruction { get; init; }
    [JsonPropertyName("hnsw_seed")] public ulong? HnswSeed { get; init; }
    /// <summary>"int8" when the HNSW walk uses 8-bit codes (re-ranked on the float vectors); null for float.</summary>
    [JsonPropertyName("vector_quantization")] public string? Quantization { get; init; }
    [JsonPropertyName("embed_seconds")] public double EmbedSeconds { get; init; }
    [JsonPropertyName("index_seconds")] public double IndexSeconds { get; init; }
    /// <summary>The last write-ahead-log sequence number folded into this generation; the log's later records are replayed on open.</summary>
    [JsonPropertyName("wal_seq")] public long WalSeq { get; init; }
    /// <summary>True when the lexical index holds the fields <see cref="SearchFilter"/> needs (indexes built before filters existed lack them).</summary>
    [JsonPropertyName("filter_fields")] public bool FilterFields { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes the manifest atomically and flushed to disk (it is the last file of a generation, its commit mark).</summary>
    public void Write(string directory) =>
        Common.AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));

    public static IndexManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!Directory.Exists(directory)) throw new InvalidInputException($"{directory}: the index directory does not exist.");
        if (!File.Exists(path)) throw new InvalidInputException($"{directory}: not a Que2Engage index (no {FileName}).");
        IndexManifest? m;
        try { m = JsonSerializer.Deserialize<IndexManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidInputException($"{path}: unreadable manifest: {e.Message}", e); }
        if (m is null || m.Format != FormatName) throw new InvalidInputException($"{path}: not a Que2Engage index manifest.");
        if (m.FormatVersion != CurrentVersion)
            throw new InvalidInputException($"{path}: index format version {m.FormatVersion} is not supported (this build reads {CurrentVersion}); rebuild the index.");
        return m;
    }

    /// <summary>Lines of a generation's products.jsonl (its listing count) without parsing them.</summary>
    internal static long ReadProductsCount(string directory) =>
        File.ReadLines(Path.Combine(directory, ProductsFile)).LongCount(l => l.Length > 0);
}
