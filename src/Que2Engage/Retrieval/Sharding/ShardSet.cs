using System.Text.Json;
using System.Text.Json.Serialization;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval.Sharding;

/// <summary>
/// <c>shards.json</c> of a sharded index: a directory holding N complete index directories of today's format
/// (<c>shard-000</c>, <c>shard-001</c>, …), listing i holding the products whose product id hashes to i
/// (<see cref="ShardSet.ShardOf"/>). Replication is a deployment choice (which silos load which shards), not a file.
/// </summary>
public sealed record ShardSetManifest
{
    public const string FileName = "shards.json";
    public const string FormatName = "que2engage-sharded-index";
    public const string HashName = "fnv1a64(utf8(product_id)) mod shards";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = 1;
    [JsonPropertyName("created_utc")] public DateTime CreatedUtc { get; init; }
    [JsonPropertyName("shards")] public int Shards { get; init; }
    [JsonPropertyName("hash")] public string Hash { get; init; } = HashName;
    [JsonPropertyName("products_per_shard")] public int[] ProductsPerShard { get; init; } = [];
    [JsonPropertyName("model_path")] public string? ModelPath { get; init; }
    [JsonPropertyName("model_id")] public string? ModelId { get; init; }
    [JsonPropertyName("dimension")] public int Dimension { get; init; }
    [JsonPropertyName("vector_kind")] public VectorIndexKind VectorKind { get; init; } = VectorIndexKind.Flat;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Write(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));

    public static ShardSetManifest Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new InvalidInputException($"{directory}: not a sharded index (no {FileName}; ShardSet.Build writes one).");
        ShardSetManifest? m;
        try { m = JsonSerializer.Deserialize<ShardSetManifest>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidInputException($"{path}: not valid JSON: {e.Message}", e); }
        if (m is null || m.Format != FormatName) throw new InvalidInputException($"{path}: not a {FormatName} manifest.");
        if (m.FormatVersion != 1) throw new InvalidInputException($"{path}: format version {m.FormatVersion} is not supported (this build reads 1).");
        if (m.Shards < 1 || m.ProductsPerShard.Length != m.Shards)
            throw new InvalidInputException($"{path}: inconsistent: {m.Shards} shards but {m.ProductsPerShard.Length} product counts.");
        return m;
    }
}

/// <summary>Splits a catalog into shards by a stable hash of the product id and builds one index directory per shard.</summary>
public static class ShardSet
{
    public const int MaxShards = 1024;

    /// <summary>
    /// Beside each shard's index: the catalog position (0-based row of the input) of each of its listings, int64
    /// little-endian in shard order. Equal scores are ranked by catalog position in a single index; the merge uses these
    /// to rank them the same way.
    /// </summary>
    public const string PositionsFile = "catalog_positions.bin";

    /// <summary>The shard of a product: FNV-1a 64 of its UTF-8 id modulo the shard count (the same in every process and machine).</summary>
    public static int ShardOf(string productId, int shards) => StableHash.Bucket(productId, shards);

    public static string ShardDirectory(string root, int shard) => Path.Combine(root, $"shard-{shard:D3}");

    public static bool IsShardSet(string directory) => File.Exists(Path.Combine(directory, ShardSetManifest.FileName));

    /// <summary>
    /// Writes <paramref name="shards"/> index directories under <paramref name="outDir"/> (each built by
    /// <see cref="CatalogIndex.Build"/> from its products, in input order) and <c>shards.json</c>. The whole set is
    /// staged in a hidden sibling and renamed into place, so a killed build leaves the previous set or none.
    /// </summary>
    public static ShardSetManifest Build(IReadOnlyList<Product> products, IEmbeddingModel model, string outDir, int shards,
        IndexBuildOptions? options = null, Action<int, IndexBuildProgress>? progress = null)
    {
        if (shards < 1 || shards > MaxShards) throw new InvalidInputException($"the number of shards must be in 1..{MaxShards} (got {shards}).");
        options ??= new IndexBuildOptions();
        options.Validate();
        var target = Path.GetFullPath(outDir);
        if (File.Exists(target)) throw new InvalidInputException($"{target}: exists and is a file, not an index directory.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !IsShardSet(target))
            throw new InvalidInputException($"{target}: exists, is not empty and is not a sharded Que2Engage index; refusing to overwrite it.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parts = Enumerable.Range(0, shards).Select(_ => new List<Product>()).ToArray();
        var positions = Enumerable.Range(0, shards).Select(_ => new List<long>()).ToArray();
        for (int i = 0; i < products.Count; i++)
        {
            var id = products[i].ProductId;
            if (string.IsNullOrEmpty(id)) throw new InvalidInputException($"product #{i + 1}: product_id is empty.");
            if (!seen.Add(id)) throw new InvalidInputException($"product #{i + 1}: product_id '{id}' appears twice in the input.");
            int shard = ShardOf(id, shards);
            parts[shard].Add(products[i]);
            positions[shard].Add(i);
        }
        return StagingDirectory.Build(target, "building", temp =>
        {
            IndexManifest? last = null;
            for (int s = 0; s < shards; s++)
            {
                int shard = s;
                last = CatalogIndex.Build(parts[s], model, ShardDirectory(temp, s), options, p => progress?.Invoke(shard, p));
                var bytes = new byte[positions[s].Count * sizeof(long)];
                for (int i = 0; i < positions[s].Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), positions[s][i]);
                File.WriteAllBytes(Path.Combine(ShardDirectory(temp, s), PositionsFile), bytes);
            }
            var manifest = new ShardSetManifest
            {
                CreatedUtc = DateTime.UtcNow,
                Shards = shards,
                ProductsPerShard = parts.Select(p => p.Count).ToArray(),
                ModelPath = last!.ModelPath,
                ModelId = last.ModelId,
                Dimension = last.Dimension,
                VectorKind = last.VectorKind,
            };
            // CatalogIndex.Build leaves its writer-lock file beside each shard; they belong to no one once built.
            foreach (var f in Directory.EnumerateFiles(temp, ".shard-*.writer.lock")) File.Delete(f);
            manifest.Write(temp);
            return manifest;
        });
    }
}
