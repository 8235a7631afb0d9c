using System.Text.Json;
using System.Text.Json.Serialization;

namespace Que2Engage.Retrieval;

/// <summary>
/// A kind of vector index, the one registry of them: its name (<see cref="IndexBuildOptions.Kind"/>, manifest.json's
/// <c>vector_kind</c>, <see cref="IVectorIndex.Kind"/>), its code in the file header (<see cref="VectorIndexFile"/>),
/// how to make an empty one, how to read one's body and which of its build settings manifest.json records. Adding a kind is one class implementing
/// <see cref="IVectorIndex"/> (its <see cref="IVectorIndex.Save"/> writes the header with its kind) and one
/// <see cref="Register"/> line below. Serialised to JSON as its name.
/// </summary>
[JsonConverter(typeof(JsonConverter))]
public sealed class VectorIndexKind
{
    private static readonly List<VectorIndexKind> Registered = [];

    public static readonly VectorIndexKind Flat = Register("flat", 1,
        (dimension, _, capacity) => new FlatIndex(dimension, capacity), FlatIndex.ReadBody);
    public static readonly VectorIndexKind Hnsw = Register("hnsw", 2,
        (dimension, options, capacity) => new HnswIndex(dimension, options.HnswOptions, capacity), HnswIndex.ReadBody,
        afterChecksum: (index, r) => ((HnswIndex)index).ValidateGraph(r),
        describe: (manifest, options) => manifest with { HnswM = options.M, HnswEfConstruction = options.EfConstruction, HnswSeed = options.Seed });

    /// <summary>Reads a kind's body (the header is read); the file's checksum is verified after it.</summary>
    internal delegate IVectorIndex BodyReader(IndexFileReader r, VectorIndexFile.Header header, bool memoryMap);

    private VectorIndexKind(string name, uint code, Func<int, IndexBuildOptions, int, IVectorIndex> create, BodyReader read,
        Action<IVectorIndex, IndexFileReader>? afterChecksum, Func<IndexManifest, IndexBuildOptions, IndexManifest>? describe)
    {
        _describe = describe;
        Name = name;
        Code = code;
        _create = create;
        Read = read;
        AfterChecksum = afterChecksum;
    }

    private static VectorIndexKind Register(string name, uint code, Func<int, IndexBuildOptions, int, IVectorIndex> create,
        BodyReader read, Action<IVectorIndex, IndexFileReader>? afterChecksum = null,
        Func<IndexManifest, IndexBuildOptions, IndexManifest>? describe = null)
    {
        var kind = new VectorIndexKind(name, code, create, read, afterChecksum, describe);
        Registered.Add(kind);
        return kind;
    }

    public static IReadOnlyList<VectorIndexKind> All => Registered;

    public string Name { get; }
    /// <summary>The uint32 kind field of the file header.</summary>
    public uint Code { get; }
    private readonly Func<int, IndexBuildOptions, int, IVectorIndex> _create;
    internal BodyReader Read { get; }
    /// <summary>Checks that need the whole file read and its checksum verified (e.g. the HNSW graph's structure).</summary>
    internal Action<IVectorIndex, IndexFileReader>? AfterChecksum { get; }

    private readonly Func<IndexManifest, IndexBuildOptions, IndexManifest>? _describe;

    /// <summary><paramref name="manifest"/> with the build settings of this kind from <paramref name="options"/> that it records (e.g. HNSW's M).</summary>
    internal IndexManifest Describe(IndexManifest manifest, IndexBuildOptions options) => _describe?.Invoke(manifest, options) ?? manifest;

    /// <summary>An empty index of this kind, with the kind's settings from <paramref name="options"/>.</summary>
    public IVectorIndex Create(int dimension, IndexBuildOptions? options = null, int initialCapacity = 1024) =>
        _create(dimension, options ?? new IndexBuildOptions(), initialCapacity);

    /// <summary>An index of this kind over copies of <paramref name="rows"/> (at least one, all of one dimension), in order.</summary>
    public IVectorIndex Of(IReadOnlyList<float[]> rows, IndexBuildOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new InvalidInputException("There are no vectors to index.");
        var index = Create(rows[0].Length, options, rows.Count);
        index.AddRange(rows);
        return index;
    }

    public override string ToString() => Name;

    /// <summary>The kind named <paramref name="text"/> (case and surrounding blanks ignored).</summary>
    public static VectorIndexKind Parse(string? text) =>
        Registered.FirstOrDefault(k => k.Name == text?.Trim().ToLowerInvariant())
        ?? throw new InvalidInputException($"Unknown index kind '{text}' (expected {string.Join(" or ", Registered.Select(k => k.Name))}).");

    internal static VectorIndexKind? FromCode(uint code) => Registered.FirstOrDefault(k => k.Code == code);

    /// <summary>"1 = flat or 2 = hnsw": the codes a header may hold, for error messages.</summary>
    internal static string Codes => string.Join(" or ", Registered.Select(k => $"{k.Code} = {k.Name}"));

    private sealed class JsonConverter : JsonConverter<VectorIndexKind>
    {
        public override VectorIndexKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            string? name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            try { return Parse(name); }
            catch (InvalidInputException e) { throw new JsonException(e.Message, e); }
        }

        public override void Write(Utf8JsonWriter writer, VectorIndexKind value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Name);
    }
}
