using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Que2Engage.Retrieval;

public enum CatalogOp : byte { Upsert = 1, Delete = 2 }

/// <summary>One logged write: an upsert carries the display record and its embedding, so replay needs no model.</summary>
public sealed record CatalogWrite(long Seq, CatalogOp Op, string ProductId, CatalogEntry? Entry = null, float[]? Vector = null);

/// <summary>
/// The append-only write-ahead log of a catalog index (<c>writes.wal</c> in the index directory). A batch of records is
/// written and flushed to disk (fsync) before any of its writes is acknowledged, so a crash can only tear the last,
/// unacknowledged batch. Everything else that is wrong with the file is damage, and damage is never mistaken for a
/// torn tail: reading stops with <see cref="WriteLogDamageException"/>, nothing is truncated, and
/// <see cref="Repair"/> (<c>index --repair</c>) keeps every record it can prove good.
/// <para>
/// Format version 2, little-endian. File header (16 bytes): magic <c>"Q2EWAL"</c>, version uint16 (2), log id uint64
/// (random, made when the file is created). Record: <c>[payload length int32][payload CRC uint32][header CRC uint32]
/// [payload]</c>, where the payload CRC is the CRC-32 of (log id, payload) and the header CRC the CRC-32 of (log id,
/// length, payload CRC). The payload is <c>seq int64, op byte</c>, then for a delete the product id (int32 length +
/// UTF-8) and for an upsert the record as JSON (int32 length + UTF-8), the dimension (int32) and the vector (float32s).
/// Sequence numbers strictly increase (a repaired log may have gaps).
/// </para>
/// <para>
/// How a torn tail is told from damage, after LevelDB/RocksDB's log reader (a short or zero-filled last block is the
/// end of the log, a bad checksum in a whole record is corruption), etcd's WAL (a CRC over each record, torn writes only
/// at the end of the last file) and SQLite's WAL (frames salted with a per-file value, so frames from an older or another
/// log fail their checksum): a torn tail is (a) fewer bytes than a record header at the end of the file, (b) a header
/// whose own CRC holds but whose payload runs past the end of the file, or (c) a tail of zero bytes. A header with a
/// wrong CRC (so a flipped length byte is caught instead of looking like a long, torn record), a whole record with a
/// wrong payload CRC, a record salted with another log's id, a sequence number that does not increase, a bad magic or
/// an unknown version is damage. Single-byte damage anywhere is always caught: CRC-32 detects every error burst of up
/// to 32 bits in what it covers, and every byte of the file is covered by a CRC, the magic or the version.
/// </para>
/// <para>
/// Version 1 (before this format: no file header, records <c>[length][CRC of payload][payload]</c>) is still read, with
/// the same torn-versus-damage rule where it can be applied (a whole record with a bad CRC is damage, a record running
/// past the end is torn); opening a version-1 log for writing rewrites it as version 2 first.
/// </para>
/// Written here because no embedded log/KV store is among the project's packages and this needs only framing and fsync.
/// </summary>
public sealed class CatalogWriteLog : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "Q2EWAL"u8;
    public const int FormatVersion = 2;
    private const int FileHeaderBytes = 16;
    private const int RecordHeaderBytes = 12;
    private const int V1FrameBytes = 8;
    private const int MinPayloadBytes = 9;
    private const int MaxPayloadBytes = 64 << 20;
    private readonly FileStream _stream;
    private readonly ulong _logId;
    private readonly MemoryStream _buffer = new();

    private CatalogWriteLog(FileStream stream, ulong logId)
    {
        _stream = stream;
        _logId = logId;
    }

    public string Path => _stream.Name;

    /// <summary>
    /// Reads every record of <paramref name="path"/> (none when the file does not exist or is empty), dropping a torn
    /// tail. Damage anywhere raises <see cref="WriteLogDamageException"/> and leaves the file as it is.
    /// </summary>
    /// <returns>The records and the byte length of the intact prefix (anything after it is a torn tail).</returns>
    public static (List<CatalogWrite> Records, long IntactBytes) ReadAll(string path)
    {
        if (!File.Exists(path)) return ([], 0);
        var bytes = ReadBytes(path);
        var scan = Scan(path, bytes, repair: false);
        return (scan.Records, scan.IntactBytes);
    }

    /// <summary>
    /// Opens the log for appending after its intact prefix (truncating a torn tail left by a crash: the length must be
    /// the one <see cref="ReadAll"/> returned). An empty or missing file gets a new header; a version-1 log is rewritten
    /// as version 2 (atomically) first.
    /// </summary>
    public static CatalogWriteLog OpenForAppend(string path, long intactBytes)
    {
        if (File.Exists(path) && new FileInfo(path).Length > 0 && !HasMagic(path))
        {
            // A version-1 log: rewrite its intact records in the current format, so appends never mix the two.
            var (records, _) = ReadAll(path);
            Common.AtomicFile.Write(path, temp =>
            {
                using var log = Create(temp);
                if (records.Count > 0) log.Append(records);
            });
            intactBytes = new FileInfo(path).Length;
        }
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        try
        {
            if (stream.Length < FileHeaderBytes || intactBytes < FileHeaderBytes)
            {
                // Empty (made by index build), or a header torn by a crash at creation: nothing was ever acknowledged.
                stream.SetLength(0);
                ulong id = NewLogId();
                stream.Write(FileHeader(id));
                stream.Flush(flushToDisk: true);
                return new CatalogWriteLog(stream, id);
            }
            Span<byte> header = stackalloc byte[FileHeaderBytes];
            stream.ReadExactly(header);
            ulong logId = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            if (stream.Length != intactBytes)
            {
                stream.SetLength(intactBytes);
                stream.Flush(flushToDisk: true);
            }
            stream.Seek(0, SeekOrigin.End);
            return new CatalogWriteLog(stream, logId);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Creates (or replaces) an empty version-2 log at <paramref name="path"/>, open for appending.</summary>
    public static CatalogWriteLog Create(string path)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        ulong id = NewLogId();
        stream.Write(FileHeader(id));
        stream.Flush(flushToDisk: true);
        return new CatalogWriteLog(stream, id);
    }

    /// <summary>
    /// Rewrites a damaged log keeping every record whose checksums hold (records after a damaged one are found again by
    /// their header CRC), in sequence order with duplicates and non-increasing records dropped. The damaged file is kept
    /// beside the log as <c>writes.wal.damaged-&lt;UTC time&gt;</c>; the new log is published atomically. A log without
    /// damage is left as it is.
    /// </summary>
    public static WriteLogRepair Repair(string path)
    {
        if (!File.Exists(path)) return new WriteLogRepair(path, 0, [], null);
        var bytes = ReadBytes(path);
        var scan = Scan(path, bytes, repair: true);
        if (scan.Dropped.Count == 0) return new WriteLogRepair(path, scan.Records.Count, [], null);
        string kept = $"{path}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        File.Copy(path, kept, overwrite: false);
        Common.AtomicFile.Write(path, temp =>
        {
            using var log = Create(temp);
            if (scan.Records.Count > 0) log.Append(scan.Records);
        });
        return new WriteLogRepair(path, scan.Records.Count, scan.Dropped, kept);
    }

    /// <summary>Appends the records and flushes them to disk; when this returns they survive a crash.</summary>
    public void Append(IReadOnlyList<CatalogWrite> records)
    {
        _buffer.SetLength(0);
        Span<byte> header = stackalloc byte[RecordHeaderBytes];
        foreach (var r in records)
        {
            var payload = Encode(r);
            WriteRecordHeader(header, _logId, payload);
            _buffer.Write(header);
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

    private sealed record ScanResult(List<CatalogWrite> Records, long IntactBytes, List<string> Dropped);

    private static byte[] ReadBytes(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        var bytes = new byte[s.Length];
        s.ReadExactly(bytes);
        return bytes;
    }

    private static bool HasMagic(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> head = stackalloc byte[6];
        return s.ReadAtLeast(head, 6, throwOnEndOfStream: false) == 6 && head.SequenceEqual(Magic);
    }

    private static ulong NewLogId()
    {
        ulong id;
        do id = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue); while (id == 0);
        return id;
    }

    private static byte[] FileHeader(ulong logId)
    {
        var h = new byte[FileHeaderBytes];
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(6), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), logId);
        return h;
    }

    /// <summary>CRC-32 of (log id, <paramref name="bytes"/>): both the payload CRC and the header CRC are salted this way.</summary>
    private static uint SaltedCrc(ulong logId, ReadOnlySpan<byte> bytes)
    {
        var crc = new System.IO.Hashing.Crc32();
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(id, logId);
        crc.Append(id);
        crc.Append(bytes);
        return crc.GetCurrentHashAsUInt32();
    }

    private static void WriteRecordHeader(Span<byte> header, ulong logId, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], SaltedCrc(logId, payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], SaltedCrc(logId, header[..8]));
    }

    private static bool AllZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>
    /// Reads the records of a whole file. Not repairing: the first damage throws. Repairing: damage is noted in
    /// <see cref="ScanResult.Dropped"/> and the scan resynchronises on the next record whose header and payload CRCs hold.
    /// </summary>
    private static ScanResult Scan(string path, byte[] bytes, bool repair)
    {
        var records = new List<CatalogWrite>();
        var dropped = new List<string>();
        if (bytes.Length == 0) return new(records, 0, dropped);
        if (bytes.Length < FileHeaderBytes && Magic[..Math.Min(6, bytes.Length)].SequenceEqual(bytes.AsSpan(0, Math.Min(6, bytes.Length))))
            return new(records, 0, dropped);   // a header torn at creation: no record was ever written
        if (bytes.Length >= 6 && bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            if (bytes.Length < FileHeaderBytes) return new(records, 0, dropped);
            int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
            if (version != FormatVersion)
                throw new WriteLogDamageException(path, 6, null,
                    $"unknown write-log format version {version} (this build reads 1 and {FormatVersion})");
            ulong logId = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8));
            return ScanV2(path, bytes, logId, repair, records, dropped);
        }
        return ScanV1(path, bytes, repair, records, dropped);
    }

    private static ScanResult ScanV2(string path, byte[] bytes, ulong logId, bool repair, List<CatalogWrite> records, List<string> dropped)
    {
        long pos = FileHeaderBytes, intact = FileHeaderBytes, lastSeq = long.MinValue;
        long damageStart = -1;
        string? damageReason = null;
        void Damage(long at, string reason)
        {
            if (!repair) throw new WriteLogDamageException(path, at, lastSeq == long.MinValue ? null : lastSeq, reason);
            if (damageStart < 0) { damageStart = at; damageReason = reason; }
        }
        void EndDamage(long at)
        {
            if (damageStart < 0) return;
            dropped.Add($"bytes {damageStart}–{at - 1} ({damageReason})");
            damageStart = -1;
        }
        while (pos < bytes.Length)
        {
            var rest = bytes.AsSpan((int)pos);
            if (AllZero(rest)) break;                                  // (c) a zero-filled tail
            if (rest.Length < RecordHeaderBytes)
            {
                if (damageStart < 0) break;                            // (a) a torn header
                pos++; continue;
            }
            int length = BinaryPrimitives.ReadInt32LittleEndian(rest);
            uint payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
            bool headerOk = SaltedCrc(logId, rest[..8]) == headerCrc && length >= MinPayloadBytes && length <= MaxPayloadBytes;
            if (!headerOk)
            {
                Damage(pos, "a record header fails its checksum");
                pos++;                                                 // repair: look for the next good record
                continue;
            }
            if (length > rest.Length - RecordHeaderBytes)
            {
                if (damageStart < 0) break;                            // (b) the last record is incomplete: torn
                pos++; continue;
            }
            var payload = rest.Slice(RecordHeaderBytes, length);
            if (SaltedCrc(logId, payload) != payloadCrc)
            {
                // A whole record with a wrong checksum (or salted with another log's id): damage, not a torn tail.
                // A tail zeroed by the file system after a crash is torn only from a record boundary on (as LevelDB):
                // a record whose own bytes were zeroed is reported, so an acknowledged last record is never dropped.
                Damage(pos, "a whole record fails its checksum");
                pos++;
                continue;
            }
            CatalogWrite record;
            try { record = Decode(payload.ToArray()); }
            catch (Exception e) when (e is JsonException or ArgumentException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                Damage(pos, $"a record has a valid checksum but cannot be decoded: {e.Message}");
                pos++;
                continue;
            }
            if (record.Seq <= lastSeq)
            {
                Damage(pos, $"sequence number {record.Seq} does not follow {lastSeq}");
                pos += RecordHeaderBytes + length;
                EndDamage(pos);
                continue;
            }
            EndDamage(pos);
            records.Add(record);
            lastSeq = record.Seq;
            pos += RecordHeaderBytes + length;
            intact = pos;
        }
        EndDamage(pos);
        return new(records, intact, dropped);
    }

    private static ScanResult ScanV1(string path, byte[] bytes, bool repair, List<CatalogWrite> records, List<string> dropped)
    {
        long pos = 0, lastSeq = long.MinValue;
        while (pos < bytes.Length)
        {
            var rest = bytes.AsSpan((int)pos);
            if (AllZero(rest) || rest.Length < V1FrameBytes) break;
            int length = BinaryPrimitives.ReadInt32LittleEndian(rest);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (length < MinPayloadBytes || length > MaxPayloadBytes)
            {
                if (records.Count == 0 && !repair)
                    throw new WriteLogDamageException(path, pos, null, "not a Que2Engage write log (no \"Q2EWAL\" header, and no readable version-1 record)");
                if (!repair) throw new WriteLogDamageException(path, pos, lastSeq, "a version-1 record has an impossible length");
                dropped.Add($"bytes {pos}–{bytes.Length - 1} (version-1 log: unreadable after this point)");
                break;
            }
            if (length > rest.Length - V1FrameBytes) break;            // the last record is incomplete: torn
            var payload = rest.Slice(V1FrameBytes, length);
            CatalogWrite? record = null;
            if (System.IO.Hashing.Crc32.HashToUInt32(payload) == crc)
            {
                try { record = Decode(payload.ToArray()); }
                catch (Exception e) when (e is JsonException or ArgumentException or IndexOutOfRangeException or ArgumentOutOfRangeException) { }
            }
            if (record is null || record.Seq <= lastSeq)
            {
                string reason = records.Count == 0 ? "not a Que2Engage write log (no \"Q2EWAL\" header, and the first version-1 record fails its checksum)" : "a whole version-1 record fails its checksum";
                if (!repair) throw new WriteLogDamageException(path, pos, records.Count == 0 ? null : lastSeq, reason);
                // Version 1 has no header checksum to resynchronise on: skip this record by its length and go on.
                dropped.Add($"bytes {pos}–{pos + V1FrameBytes + length - 1} ({reason})");
                pos += V1FrameBytes + length;
                continue;
            }
            records.Add(record);
            lastSeq = record.Seq;
            pos += V1FrameBytes + length;
        }
        return new(records, pos, dropped);
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

/// <summary>
/// A write log that is damaged rather than torn: a whole record fails its checksum, a header is wrong, the file is not a
/// write log. Reading stops here and nothing is truncated, because later records may be acknowledged writes.
/// </summary>
public sealed class WriteLogDamageException(string path, long offset, long? afterSeq, string reason)
    : InvalidInputException(
        $"{path}: damaged write-ahead log at byte {offset}" + (afterSeq is long s ? $" (after the record of seq {s})" : "") +
        $": {reason}. Nothing was truncated; 'index --repair --out <index directory>' keeps every record that can be proven good.")
{
    public string LogPath { get; } = path;
    public long Offset { get; } = offset;
}

/// <summary>What <see cref="CatalogWriteLog.Repair"/> did: records kept, byte ranges dropped, where the damaged file was kept (null: no damage).</summary>
public sealed record WriteLogRepair(string Path, int RecordsKept, IReadOnlyList<string> Dropped, string? DamagedCopy);
