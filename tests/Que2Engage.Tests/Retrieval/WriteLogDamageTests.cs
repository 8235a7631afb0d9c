using System.Buffers.Binary;
using Que2Engage.Retrieval;
using Que2Engage.Tests.Reliability;

namespace Que2Engage.Tests.Retrieval;

/// <summary>
/// The write log tells a torn tail (dropped: never acknowledged) from damage (an error, the file untouched), as
/// SQLite's WAL, LevelDB's log reader and etcd's WAL are tested: torn header, torn payload, zero-filled tail,
/// flipped byte mid-file and in the last record, a record from another log, empty and foreign files, the old format.
/// </summary>
public sealed class WriteLogDamageTests : IDisposable
{
    private readonly Scratch _dir = new();
    public void Dispose() => _dir.Dispose();

    private static CatalogWrite Upsert(long seq) =>
        new(seq, CatalogOp.Upsert, $"p{seq}", new CatalogEntry { ProductId = $"p{seq}", Title = $"listing {seq}" }, [seq, 1f, -2f, 0.5f]);

    private static CatalogWrite Write(long seq) => seq % 5 == 0 ? new CatalogWrite(seq, CatalogOp.Delete, $"p{seq - 1}") : Upsert(seq);

    /// <summary>Writes records 1..n in batches of up to 7 (as group commits do) and returns each record's end offset.</summary>
    private static List<long> WriteLog(string path, int n)
    {
        var ends = new List<long>();
        using var log = CatalogWriteLog.OpenForAppend(path, 0);
        for (int seq = 1; seq <= n;)
        {
            int batch = Math.Min(1 + seq % 7, n - seq + 1);
            for (int k = 0; k < batch; k++)
            {
                log.Append([Write(seq + k)]);
                ends.Add(new FileInfo(path).Length);
            }
            seq += batch;
        }
        return ends;
    }

    private string Log(int n, out List<long> ends)
    {
        var path = _dir["writes.wal"];
        File.Delete(path);
        ends = WriteLog(path, n);
        return path;
    }

    [Fact]
    public void RecordsRoundTrip()
    {
        var path = Log(40, out var ends);
        var (records, intact) = CatalogWriteLog.ReadAll(path);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), records.Select(r => r.Seq));
        Assert.Equal(ends[^1], intact);
        Assert.Equal([4f, 1f, -2f, 0.5f], records[3].Vector!);
        Assert.Equal("p4", records[4].ProductId);
        Assert.Equal(CatalogOp.Delete, records[4].Op);
    }

    [Fact]
    public void EmptyAndMissingFilesAreEmptyLogs()
    {
        Assert.Empty(CatalogWriteLog.ReadAll(_dir["none.wal"]).Records);
        File.WriteAllBytes(_dir["empty.wal"], []);
        Assert.Empty(CatalogWriteLog.ReadAll(_dir["empty.wal"]).Records);
        using (var log = CatalogWriteLog.OpenForAppend(_dir["empty.wal"], 0)) log.Append([Upsert(1)]);
        Assert.Single(CatalogWriteLog.ReadAll(_dir["empty.wal"]).Records);
    }

    [Fact]
    public void TornHeaderTornPayloadAndZeroTailAreDroppedAndTruncatedOnAppend()
    {
        var path = Log(10, out var ends);
        var whole = File.ReadAllBytes(path);
        foreach (long cut in new[] { ends[8] + 5, ends[8] + 12, ends[^1] - 1 })   // torn header, torn payload, last byte missing
        {
            File.WriteAllBytes(path, whole[..(int)cut]);
            var (records, intact) = CatalogWriteLog.ReadAll(path);
            Assert.Equal(9, records.Count);
            Assert.Equal(ends[8], intact);
        }
        File.WriteAllBytes(path, [.. whole, .. new byte[4096]]);   // a zero-filled tail (preallocation after a crash)
        Assert.Equal(10, CatalogWriteLog.ReadAll(path).Records.Count);

        File.WriteAllBytes(path, whole[..(int)(ends[8] + 12)]);
        var (_, keep) = CatalogWriteLog.ReadAll(path);
        using (var log = CatalogWriteLog.OpenForAppend(path, keep)) log.Append([Upsert(10)]);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), CatalogWriteLog.ReadAll(path).Records.Select(r => r.Seq));
    }

    [Fact]
    public void AFlippedByteMidFileStopsWithTheOffsetAndTruncatesNothing()
    {
        var path = Log(30, out var ends);
        var before = File.ReadAllBytes(path);
        var bytes = before.ToArray();
        long at = ends[10] + 20;
        bytes[at] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<WriteLogDamageException>(() => CatalogWriteLog.ReadAll(path));
        Assert.Equal(ends[10], e.Offset);
        Assert.Contains($"{path}: damaged write-ahead log at byte {ends[10]} (after the record of seq 11)", e.Message);
        Assert.Contains("index --repair", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void AFlippedLengthOrLastRecordByteIsDamageNotATornTail()
    {
        var path = Log(12, out var ends);
        var whole = File.ReadAllBytes(path);
        foreach (long at in new[] { ends[10] + 1, ends[10] + 3, ends[^1] - 1, ends[^1] - 30 })
        {
            var bytes = whole.ToArray();
            bytes[at] ^= 0x01;
            File.WriteAllBytes(path, bytes);
            Assert.Throws<WriteLogDamageException>(() => CatalogWriteLog.ReadAll(path));
        }
    }

    [Fact]
    public void ARecordFromAnotherLogIsDamage()
    {
        var a = Log(6, out var endsA);
        var other = _dir["other.wal"];
        var endsB = WriteLog(other, 8);
        // Splice record 7 of the other log (same seq that would follow) after a's records.
        var rec = File.ReadAllBytes(other)[(int)endsB[5]..(int)endsB[6]];
        File.WriteAllBytes(a, [.. File.ReadAllBytes(a), .. rec]);
        var e = Assert.Throws<WriteLogDamageException>(() => CatalogWriteLog.ReadAll(a));
        Assert.Equal(endsA[^1], e.Offset);
    }

    [Fact]
    public void AForeignFileAndAnUnknownVersionAreDamage()
    {
        var path = _dir["random.wal"];
        var random = new byte[4096];
        new Random(3).NextBytes(random);
        File.WriteAllBytes(path, random);
        Assert.Contains("not a Que2Engage write log", Assert.Throws<WriteLogDamageException>(() => CatalogWriteLog.ReadAll(path)).Message);

        var log = Log(3, out _);
        var bytes = File.ReadAllBytes(log);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), 9);
        File.WriteAllBytes(log, bytes);
        Assert.Contains("unknown write-log format version 9", Assert.Throws<WriteLogDamageException>(() => CatalogWriteLog.ReadAll(log)).Message);
    }

    [Fact]
    public void AVersionOneLogIsReadAndRewrittenInTheCurrentFormatWhenOpenedForWriting()
    {
        var path = Log(3, out _);
        var v1 = AsVersion1(File.ReadAllBytes(path));
        File.WriteAllBytes(path, v1[..^5]);   // records 1 and 2, and a torn record 3
        var (records, intact) = CatalogWriteLog.ReadAll(path);
        Assert.Equal([1L, 2L], records.Select(r => r.Seq));
        using (var log = CatalogWriteLog.OpenForAppend(path, intact)) log.Append([Write(3)]);
        Assert.Equal("Q2EWAL"u8.ToArray(), File.ReadAllBytes(path)[..6]);
        Assert.Equal([1L, 2L, 3L], CatalogWriteLog.ReadAll(path).Records.Select(r => r.Seq));
    }

    [Fact]
    public void RepairKeepsEveryProvablyGoodRecordAndKeepsTheDamagedFile()
    {
        var path = Log(50, out var ends);
        var bytes = File.ReadAllBytes(path);
        bytes[ends[19] + 15] ^= 0xFF;   // inside record 21
        bytes[ends[29] + 2] ^= 0x40;    // the length of record 31
        File.WriteAllBytes(path, bytes);
        var repair = CatalogWriteLog.Repair(path);
        Assert.Equal(48, repair.RecordsKept);
        Assert.Equal(2, repair.Dropped.Count);
        Assert.NotNull(repair.DamagedCopy);
        Assert.Equal(bytes, File.ReadAllBytes(repair.DamagedCopy!));
        var kept = CatalogWriteLog.ReadAll(path).Records.Select(r => r.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, 50).Where(i => i != 21 && i != 31).Select(i => (long)i), kept);
        Assert.Null(CatalogWriteLog.Repair(path).DamagedCopy);   // a sound log is left alone
    }

    /// <summary>
    /// The fault injection: 2,000 acknowledged writes; 100 seeded single-byte corruptions each either recover
    /// every write or stop with the error and leave the file unchanged (0 silent losses); 100 truncation points each
    /// keep exactly the records wholly before the cut.
    /// </summary>
    [Fact]
    public void FaultInjectionLosesNoAcknowledgedWriteSilently()
    {
        var path = Log(2000, out var ends);
        var whole = File.ReadAllBytes(path);
        var rng = new Random(2024);
        int errors = 0;
        for (int run = 0; run < 100; run++)
        {
            var bytes = whole.ToArray();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)rng.Next(1, 256);
            File.WriteAllBytes(path, bytes);
            try
            {
                var (records, _) = CatalogWriteLog.ReadAll(path);
                Assert.True(records.Count == 2000, $"corruption at byte {at}: {records.Count} of 2000 writes read without an error");
            }
            catch (WriteLogDamageException)
            {
                errors++;
                Assert.Equal(bytes, File.ReadAllBytes(path));
            }
        }
        Assert.True(errors > 90, $"only {errors} of 100 corruptions were reported");

        for (int run = 0; run < 100; run++)
        {
            int cut = rng.Next(0, whole.Length);
            File.WriteAllBytes(path, whole[..cut]);
            var (records, _) = CatalogWriteLog.ReadAll(path);
            int expected = ends.Count(e => e <= cut);
            Assert.Equal(Enumerable.Range(1, expected).Select(i => (long)i), records.Select(r => r.Seq));
        }
    }

    /// <summary>A log in the version-1 layout: no file header, frames [length][CRC-32 of payload][payload] (the payload encoding is unchanged).</summary>
    private static byte[] AsVersion1(byte[] v2)
    {
        var v1 = new List<byte>();
        for (int pos = 16; pos < v2.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(v2.AsSpan(pos));
            var payload = v2.AsSpan(pos + 12, length);
            var frame = new byte[8];
            BinaryPrimitives.WriteInt32LittleEndian(frame, length);
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(payload));
            v1.AddRange(frame);
            v1.AddRange(payload.ToArray());
            pos += 12 + length;
        }
        return [.. v1];
    }
}
