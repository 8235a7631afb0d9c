using System.Text.Json;
using System.Text.Json.Serialization;

namespace Que2Engage.Retrieval;

/// <summary>
/// manifest.json of a catalog index directory: what was built, with which model, and how big it is. Format version 2
/// checks itself and products.jsonl: <see cref="Checksum"/> covers every other field (an edited <c>wal_seq</c> would
/// hide logged writes), <see cref="ProductsChecksum"/> the product store (swapped or edited lines would be served as
/// they are). The vector file and the Lucene files carry checksums of their own. Version-1 manifests still open,
/// without those two checks.
/// </summary>
public sealed record IndexManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "que2engage-catalog-index";
    public const int CurrentVersion = 2;
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
    /// <summary>The checksum of products.jsonl (<see cref="Common.FileChecksum"/>), verified on open; null in version-1 indexes.</summary>
    [JsonPropertyName("products_checksum")] public string? ProductsChecksum { get; init; }
    /// <summary>The checksum of this manifest's JSON with this field null, verified on read; null in version-1 indexes.</summary>
    [JsonPropertyName("checksum")] public string? Checksum { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Writes the manifest atomically and flushed to disk (it is the last file of a generation, its commit mark), with
    /// the checksum of the generation's products.jsonl and its own.
    /// </summary>
    public void Write(string directory)
    {
        var products = Path.Combine(directory, ProductsFile);
        var sealedManifest = this with
        {
            FormatVersion = CurrentVersion,
            ProductsChecksum = File.Exists(products) ? Common.FileChecksum.Compute(products) : null,
            Checksum = null,
        };
        sealedManifest = sealedManifest with { Checksum = sealedManifest.ContentChecksum() };
        Common.AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(sealedManifest, Json));
    }

    private string ContentChecksum()
    {
        var hash = System.IO.Hashing.XxHash128.Hash(JsonSerializer.SerializeToUtf8Bytes(this with { Checksum = null }));
        return Common.FileChecksum.Prefix + Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks products.jsonl of <paramref name="directory"/> against <see cref="ProductsChecksum"/> (version-1 manifests have none).</summary>
    public void VerifyProducts(string directory)
    {
        if (ProductsChecksum is null) return;
        var path = Path.Combine(directory, ProductsFile);
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: the product store does not exist.");
        var actual = Common.FileChecksum.Compute(path);
        if (actual != ProductsChecksum)
            throw new InvalidInputException(
                $"{path}: damaged: its checksum {Common.FileChecksum.Short(actual)} is not the {Common.FileChecksum.Short(ProductsChecksum)} recorded in {FileName}; rebuild the index (or restore the file).");
    }

    public static IndexManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!Directory.Exists(directory)) throw new InvalidInputException($"{directory}: the index directory does not exist.");
        if (!File.Exists(path)) throw new InvalidInputException($"{directory}: not a Que2Engage index (no {FileName}).");
        IndexManifest? m;
        try { m = JsonSerializer.Deserialize<IndexManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidInputException($"{path}: unreadable manifest: {e.Message}", e); }
        if (m is null || m.Format != FormatName) throw new InvalidInputException($"{path}: not a Que2Engage index manifest.");
        if (m.FormatVersion is not (1 or CurrentVersion))
            throw new InvalidInputException($"{path}: index format version {m.FormatVersion} is not supported (this build reads 1 and {CurrentVersion}); rebuild the index.");
        if (m.FormatVersion >= 2 && (m.Checksum is null || m.Checksum != m.ContentChecksum()))
            throw new InvalidInputException($"{path}: damaged: the manifest's fields do not match its checksum (edited or corrupted); rebuild the index (or restore the file).");
        return m;
    }

    /// <summary>Lines of a generation's products.jsonl (its listing count) without parsing them.</summary>
    internal static long ReadProductsCount(string directory) =>
        File.ReadLines(Path.Combine(directory, ProductsFile)).LongCount(l => l.Length > 0);
}
