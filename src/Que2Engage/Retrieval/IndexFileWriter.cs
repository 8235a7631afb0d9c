using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Que2Engage.Retrieval;

/// <summary>
/// Writes a vector-index file atomically: everything goes to "&lt;path&gt;.tmp-&lt;random&gt;" with a running CRC-32,
/// the CRC is appended, the file is flushed to disk, then renamed over <c>path</c>. A crash leaves either the old
/// file or the new one, never a half-written one. Little-endian throughout.
/// </summary>
internal sealed class IndexFileWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly System.IO.Hashing.Crc32 _crc = new();
    private bool _committed;

    public IndexFileWriter(string path)
    {
        _path = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(_path)!;
        try
        {
            Directory.CreateDirectory(dir);
            _tempPath = Path.Combine(dir, $".{Path.GetFileName(_path)}.tmp-{Guid.NewGuid():N}");
            _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot write the index file: {e.Message}", e);
        }
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _crc.Append(bytes);
        _stream.Write(bytes);
    }

    public void WriteInt32(int v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, v); WriteBytes(b); }
    public void WriteUInt32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); WriteBytes(b); }
    public void WriteInt64(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); WriteBytes(b); }
    public void WriteUInt64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); WriteBytes(b); }

    /// <summary>Bulk write; the in-memory layout is the file layout because the format is little-endian like x86/ARM.</summary>
    public void WriteFloats(ReadOnlySpan<float> values) => WriteBytes(MemoryMarshal.AsBytes(values));
    public void WriteInts(ReadOnlySpan<int> values) => WriteBytes(MemoryMarshal.AsBytes(values));

    /// <summary>Appends the checksum, syncs and renames into place.</summary>
    public void Commit()
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, _crc.GetCurrentHashAsUInt32());
        _stream.Write(b);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_tempPath, _path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (!_committed)
        {
            try { File.Delete(_tempPath); } catch (IOException) { }
        }
    }
}
