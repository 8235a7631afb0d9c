using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Que2Engage.Retrieval;

public enum CatalogOp : byte { Upsert = 1, Delete = 2 }

/// <summary>One logged write: an upsert carries the display record and its embedding, so replay needs no model.</summary>
public sealed record CatalogWrite(long Seq, CatalogOp Op, string ProductId, CatalogEntry? Entry = null, float[]? Vector = null);

/// <summary>
/// The append-only write-ahead log of a catalog index (<c>writes.wal</c> in the index directory). Each record is
/// framed as <c>[payload length int32][CRC-32 of payload uint32][payload]</c>, little-endian; the payload is
/// <c>seq int64, op byte</c>, then for a delete the product id (int32 length + UTF-8) and for an upsert the record as
/// JSON (int32 length + UTF-8), the dimension (int32) and the vector (float32s). A batch of records is written and
/// flushed to disk (fsync) before any of its writes is acknowledged, so a crash can only tear the last,
/// unacknowledged batch: reading stops at the first incomplete or mis-checksummed record and a writer truncates
/// the torn tail away. Written here because no embedded log/KV store is among the project's packages and this
/// needs only framing and fsync.
/// </summary>
public sealed class CatalogWriteLog : IDisposable
{
    private const int FrameBytes = 8;
    private const int MaxPayloadBytes = 64 << 20;
    private readonly FileStream _stream;
    private readonly MemoryStream _buffer = new();

    private CatalogWriteLog(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>Reads every intact record of <paramref name="path"/> (none when the file does not exist).</summary>
    /// <returns>The records and the byte length of the intact prefix (anything after it is a torn tail).</returns>
    public static (List<CatalogWrite> Records, long IntactBytes) ReadAll(string path)
    {
        var records = new List<CatalogWrite>();
        if (!File.Exists(path)) return (records, 0);
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        long intact = 0;
        Span<byte> frame = stackalloc byte[FrameBytes];
        while (true)
        {
            if (s.ReadAtLeast(frame, FrameBytes, throwOnEndOfStream: false) < FrameBytes) break;
            int length = BinaryPrimitives.ReadInt32LittleEndian(frame);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
            if (length < 9 || length > MaxPayloadBytes) break;
            var payload = new byte[length];
            if (s.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length) break;
            if (System.IO.Hashing.Crc32.HashToUInt32(payload) != crc) break;
            CatalogWrite record;
            try { record = Decode(payload); }
            catch (Exception e) when (e is JsonException or ArgumentException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new InvalidInputException($"{path}: record at byte {intact} has a valid checksum but cannot be decoded: {e.Message}", e);
            }
            records.Add(record);
            intact = s.Position;
        }
        return (records, intact);
    }

    /// <summary>Opens the log for appending after its intact prefix (truncating a torn tail left by a crash).</summary>
    public static CatalogWriteLog OpenForAppend(string path, long intactBytes)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        if (stream.Length != intactBytes)
        {
            stream.SetLength(intactBytes);
            stream.Flush(flushToDisk: true);
        }
        stream.Seek(0, SeekOrigin.End);
        return new CatalogWriteLog(stream);
    }

    /// <summary>Appends the records and flushes them to disk; when this returns they survive a crash.</summary>
    public void Append(IReadOnlyList<CatalogWrite> records)
    {
        _buffer.SetLength(0);
        Span<byte> frame = stackalloc byte[FrameBytes];
        foreach (var r in records)
        {
            var payload = Encode(r);
            BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], System.IO.Hashing.Crc32.HashToUInt32(payload));
            _buffer.Write(frame);
            _buffer.Write(payload);
        }
        long start = _stream.Position;
        try
        {
            _stream.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
            _stream.Flush(flushToDisk: true);
        }
        catch
        {
            // Leave no partial batch behind for the next append to build on.
            try { _stream.SetLength(start); _stream.Seek(start, SeekOrigin.Begin); } catch (IOException) { }
            throw;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _buffer.Dispose();
    }

    private static byte[] Encode(CatalogWrite r)
    {
        using var ms = new MemoryStream();
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, r.Seq);
        ms.Write(b);
        ms.WriteByte((byte)r.Op);
        void WriteString(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            Span<byte> n = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(n, bytes.Length);
            ms.Write(n);
            ms.Write(bytes);
        }
        if (r.Op == CatalogOp.Delete) WriteString(r.ProductId);
        else
        {
            WriteString(JsonSerializer.Serialize(r.Entry!));
            BinaryPrimitives.WriteInt32LittleEndian(b, r.Vector!.Length);
            ms.Write(b[..4]);
            ms.Write(MemoryMarshal.AsBytes(r.Vector.AsSpan()));
        }
        return ms.ToArray();
    }

    private static CatalogWrite Decode(byte[] payload)
    {
        var span = payload.AsSpan();
        long seq = BinaryPrimitives.ReadInt64LittleEndian(span);
        var op = (CatalogOp)span[8];
        int at = 9;
        string ReadString(ReadOnlySpan<byte> s)
        {
            int n = BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
            var text = Encoding.UTF8.GetString(s.Slice(at + 4, n));
            at += 4 + n;
            return text;
        }
        switch (op)
        {
            case CatalogOp.Delete:
                return new CatalogWrite(seq, op, ReadString(span));
            case CatalogOp.Upsert:
                var entry = JsonSerializer.Deserialize<CatalogEntry>(ReadString(span)) ?? throw new JsonException("null record");
                int dim = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
                var vector = MemoryMarshal.Cast<byte, float>(span.Slice(at + 4, checked(dim * 4))).ToArray();
                return new CatalogWrite(seq, op, entry.ProductId, entry, vector);
            default:
                throw new ArgumentException($"unknown operation code {(byte)op}");
        }
    }
}
