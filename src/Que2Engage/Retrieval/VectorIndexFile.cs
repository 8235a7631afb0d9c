using System.Text;

namespace Que2Engage.Retrieval;

/// <summary>
/// The on-disk format shared by every vector index (format version 2, little-endian; version-1 files still load):
/// <code>
/// offset size
///  0      8   magic "Q2EVIDX\n"
///  8      4   format version (uint32) = 2 (1: HNSW bodies without the quantization field)
/// 12      4   kind (uint32): <see cref="VectorIndexKind"/>'s code (1 = flat, 2 = hnsw)
/// 16      4   dimension (int32)
/// 20      4   count (int32)
/// 24      8   body length in bytes (int64): the kind's parameters + payload, between this header and the trailer
/// 32      …   body, read by the kind's registered reader (see <see cref="VectorIndexKind.Flat"/> and <see cref="VectorIndexKind.Hnsw"/>)
/// end-4   4   CRC-32 (zlib) of every preceding byte
/// </code>
/// The body length lets a truncated or padded file be reported before anything is allocated; the CRC catches
/// flipped bytes anywhere. Files are written to a temp file and renamed (<see cref="IndexFileWriter"/>).
/// </summary>
public static class VectorIndexFile
{
    public const int FormatVersion = 2;
    /// <summary>The oldest format version this build still reads.</summary>
    public const int OldestReadableVersion = 1;
    internal const int HeaderBytes = 32;
    internal const int TrailerBytes = 4;
    internal static readonly byte[] Magic = Encoding.ASCII.GetBytes("Q2EVIDX\n");

    /// <summary>Reads the <paramref name="count"/> × <paramref name="dimension"/> float block at the reader's position: into the heap, or mapped.</summary>
    internal static VectorStore ReadVectors(IndexFileReader r, int dimension, int count, bool memoryMap, int capacity)
    {
        long bytes = (long)count * dimension * sizeof(float);
        if (memoryMap && count > 0)
        {
            long offset = r.Position;
            r.Skip(bytes);
            return new VectorStore(dimension, new MappedRows(r.Path, offset, bytes), count);
        }
        var data = new float[Math.Max(1L, (long)Math.Max(count, capacity) * dimension)];
        r.ReadFloats(data.AsSpan(0, count * dimension));
        return new VectorStore(dimension, data, count);
    }

    internal readonly record struct Header(VectorIndexKind Kind, int Dimension, int Count, long BodyBytes, uint Version = FormatVersion);

    internal static void WriteHeader(IndexFileWriter w, VectorIndexKind kind, int dimension, int count, long bodyBytes)
    {
        w.WriteBytes(Magic);
        w.WriteUInt32(FormatVersion);
        w.WriteUInt32(kind.Code);
        w.WriteInt32(dimension);
        w.WriteInt32(count);
        w.WriteInt64(bodyBytes);
    }

    internal static Header ReadHeader(IndexFileReader r)
    {
        if (r.Length < HeaderBytes + TrailerBytes)
            throw r.Error($"not a Que2Engage vector index: the file has {r.Length} bytes, fewer than a header.");
        Span<byte> magic = stackalloc byte[8];
        r.ReadBytes(magic);
        if (!magic.SequenceEqual(Magic))
            throw r.Error("not a Que2Engage vector index (bad magic bytes at the start of the file).");
        uint version = r.ReadUInt32();
        if (version < OldestReadableVersion || version > FormatVersion)
            throw r.Error($"vector index format version {version} is not supported (this build reads versions {OldestReadableVersion} to {FormatVersion}).");
        uint code = r.ReadUInt32();
        var kind = VectorIndexKind.FromCode(code)
            ?? throw r.Error($"unknown vector index kind code {code} in the header (expected {VectorIndexKind.Codes}).");
        int dimension = r.ReadInt32();
        int count = r.ReadInt32();
        long body = r.ReadInt64();
        if (dimension < 1 || dimension > 1 << 16) throw r.Error($"corrupt header: dimension {dimension} is out of range.");
        if (count < 0) throw r.Error($"corrupt header: count {count} is negative.");
        if (body < 0) throw r.Error($"corrupt header: body length {body} is negative.");
        long expected = HeaderBytes + body + TrailerBytes;
        if (r.Length < expected)
            throw r.Error($"the file is truncated: the header promises {expected} bytes but the file has {r.Length}.");
        if (r.Length > expected)
            throw r.Error($"the file has {r.Length - expected} bytes more than its header promises ({expected}); it is corrupt or not a single index.");
        return new Header(kind, dimension, count, body, version);
    }

    /// <summary>Loads any vector index written by <see cref="IVectorIndex.Save"/>; the kind comes from the header.</summary>
    /// <exception cref="InvalidInputException">The file is missing, foreign, truncated, corrupt or of an unknown version.</exception>
    public static IVectorIndex Load(string path) => Load(path, memoryMap: false);

    /// <summary>
    /// As <see cref="Load(string)"/>; with <paramref name="memoryMap"/> the float vectors stay in the file and are
    /// memory-mapped read-only instead of copied into the heap (the file is still read once for its checksum).
    /// </summary>
    public static IVectorIndex Load(string path, bool memoryMap)
    {
        using var r = new IndexFileReader(path);
        var h = ReadHeader(r);
        var index = h.Kind.Read(r, h, memoryMap);
        r.VerifyChecksum();
        h.Kind.AfterChecksum?.Invoke(index, r);
        return index;
    }

    /// <summary>The kind stored in a file's header, without loading it.</summary>
    public static VectorIndexKind PeekKind(string path)
    {
        using var r = new IndexFileReader(path);
        return ReadHeader(r).Kind;
    }
}
