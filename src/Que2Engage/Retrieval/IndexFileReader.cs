using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Que2Engage.Retrieval;

/// <summary>
/// Reads a vector-index file sequentially with bulk reads straight into the destination arrays, keeping a running
/// CRC-32 that <see cref="VerifyChecksum"/> compares with the trailer. Every problem becomes an
/// <see cref="InvalidInputException"/> that names the file and what is wrong.
/// </summary>
internal sealed class IndexFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly System.IO.Hashing.Crc32 _crc = new();

    public string Path { get; }
    public long Length { get; }
    public long Position => _stream.Position;

    public IndexFileReader(string path)
    {
        Path = path;
        try
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            Length = _stream.Length;
        }
        catch (FileNotFoundException) { throw new InvalidInputException($"{path}: the vector index file does not exist."); }
        catch (DirectoryNotFoundException) { throw new InvalidInputException($"{path}: the vector index file does not exist."); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read the vector index file: {e.Message}", e);
        }
    }

    public InvalidInputException Error(string what) => new($"{Path}: {what}");

    public void ReadBytes(Span<byte> into)
    {
        int read = _stream.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
        if (read < into.Length)
            throw Error($"the file is truncated (ended at byte {_stream.Position} while reading the index).");
        _crc.Append(into);
    }

    /// <summary>Reads past <paramref name="bytes"/> bytes (into a scratch buffer, for the checksum) without keeping them.</summary>
    public void Skip(long bytes)
    {
        var buffer = new byte[(int)Math.Min(bytes, 1 << 20)];
        while (bytes > 0)
        {
            int n = (int)Math.Min(bytes, buffer.Length);
            ReadBytes(buffer.AsSpan(0, n));
            bytes -= n;
        }
    }

    public int ReadInt32() { Span<byte> b = stackalloc byte[4]; ReadBytes(b); return BinaryPrimitives.ReadInt32LittleEndian(b); }
    public uint ReadUInt32() { Span<byte> b = stackalloc byte[4]; ReadBytes(b); return BinaryPrimitives.ReadUInt32LittleEndian(b); }
    public long ReadInt64() { Span<byte> b = stackalloc byte[8]; ReadBytes(b); return BinaryPrimitives.ReadInt64LittleEndian(b); }
    public ulong ReadUInt64() { Span<byte> b = stackalloc byte[8]; ReadBytes(b); return BinaryPrimitives.ReadUInt64LittleEndian(b); }
    public void ReadFloats(Span<float> into) => ReadBytes(MemoryMarshal.AsBytes(into));
    public void ReadInts(Span<int> into) => ReadBytes(MemoryMarshal.AsBytes(into));

    /// <summary>Reads the 4-byte trailer and checks it against everything read so far, and that nothing follows it.</summary>
    public void VerifyChecksum()
    {
        uint computed = _crc.GetCurrentHashAsUInt32();
        Span<byte> b = stackalloc byte[4];
        int read = _stream.ReadAtLeast(b, 4, throwOnEndOfStream: false);
        if (read < 4) throw Error("the file is truncated (the checksum trailer is missing).");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(b);
        if (stored != computed)
            throw Error($"checksum mismatch (stored CRC-32 {stored:x8}, computed {computed:x8}): the file is corrupt.");
        if (_stream.Position != Length)
            throw Error($"{Length - _stream.Position} unexpected bytes after the checksum trailer.");
    }

    public void Dispose() => _stream.Dispose();
}
