using System.Buffers.Binary;
using System.Text.Json;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>Where one tensor lives in a safetensors file: dtype, shape and byte range within the data section.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads a Hugging Face safetensors file directly — 8-byte little-endian header length, a JSON header mapping each
/// tensor name to {dtype, shape, data_offsets}, then the raw little-endian tensor bytes — with no Python and no extra
/// package (the format is that small). F32, F16 and BF16 tensors are returned as float32. Every header entry is
/// checked (dtype, shape, offsets inside the file and matching the element count) before any data is read.
/// </summary>
public sealed class SafetensorsReader : IPretrainedCheckpoint, IDisposable
{
    const long MaxHeaderBytes = 100L << 20;
    readonly FileStream _file;
    readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public SafetensorsReader(string path)
    {
        Path = path;
        try
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot open checkpoint: {e.Message}", e);
        }
        try
        {
            (Tensors, Metadata, _dataStart) = ReadHeader();
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    Exception Bad(string message) => new InvalidInputException($"{Path}: not a valid safetensors file: {message}");

    (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>, long) ReadHeader()
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        if (_file.Length < 8 || _file.Read(lengthBytes) != 8) throw Bad("shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, _file.Length - 8)) throw Bad($"header length {headerLength} exceeds the file");
        var header = new byte[headerLength];
        _file.ReadExactly(header);
        long dataStart = 8 + (long)headerLength, dataLength = _file.Length - dataStart;

        var tensors = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw Bad($"header is not JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                tensors[prop.Name] = ParseEntry(prop.Name, prop.Value, dataLength);
            }
        }
        return (tensors, metadata, dataStart);
    }

    SafetensorsEntry ParseEntry(string name, JsonElement e, long dataLength)
    {
        try
        {
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw Bad($"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] outside the {dataLength}-byte data section");
            if (shape.Any(d => d < 0)) throw Bad($"tensor '{name}': negative dimension in shape [{string.Join(", ", shape)}]");
            var entry = new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
            int size = ElementSize(dtype);
            if (size > 0 && entry.ElementCount * size != entry.End - entry.Begin)
                throw Bad($"tensor '{name}': {entry.End - entry.Begin} bytes for {entry.ElementCount} {dtype} elements");
            return entry;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Bad($"tensor '{name}': malformed entry ({ex.Message})");
        }
    }

    /// <summary>Bytes per element; 0 for dtypes this reader does not convert (they may still be listed).</summary>
    static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F16" or "BF16" => 2,
        "F64" or "I64" => 8,
        "I32" => 4,
        "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => 0,
    };

    /// <summary>The tensor as float32 values in row-major order.</summary>
    /// <exception cref="InvalidInputException">No such tensor, or a dtype other than F32/F16/BF16.</exception>
    public float[] ReadFloat32(string name)
    {
        if (!Tensors.TryGetValue(name, out var t)) throw new InvalidInputException($"{Path}: checkpoint has no tensor '{name}'");
        if (t.DType is not ("F32" or "F16" or "BF16"))
            throw new InvalidInputException($"{Path}: tensor '{name}' has dtype {t.DType}; only F32, F16 and BF16 are supported");
        var bytes = new byte[t.End - t.Begin];
        _file.Position = _dataStart + t.Begin;
        _file.ReadExactly(bytes);
        var result = new float[t.ElementCount];
        switch (t.DType)
        {
            case "F32":
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
                break;
            case "F16":
                for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i));
                break;
            default: // BF16: the high 16 bits of a float32
                for (int i = 0; i < result.Length; i++)
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i)) << 16);
                break;
        }
        return result;
    }

    public bool Contains(string name) => Tensors.ContainsKey(name);

    public long[] Shape(string name) => Tensors.TryGetValue(name, out var t) ? t.Shape
        : throw new InvalidInputException($"{Path}: checkpoint has no tensor '{name}'");

    public void Dispose() => _file.Dispose();
}
