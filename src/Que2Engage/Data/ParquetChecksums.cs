using System.Globalization;
using System.IO.Hashing;

namespace Que2Engage.Data;

/// <summary>
/// Row-group checksums for the Parquet tables this project writes. Parquet pages may carry a CRC-32 in their
/// headers, but Parquet.Net 6.1 neither writes nor verifies it (its PageHeader only has the field), so a table with
/// flipped bytes would decode into silently different values. Instead the writer records, in the file's own
/// key-value metadata (footer), the byte range and XXH3-64 of every row group; the reader verifies each row group
/// before decoding it and names the file and row group that is damaged. Files from other writers have no such entry
/// and are read as before (nothing to verify).
/// </summary>
internal static class ParquetChecksums
{
    /// <summary>Key of the footer metadata entry: "offset:length:xxh64hex" per row group, ';'-separated.</summary>
    public const string MetadataKey = "que2engage.row_group_xxh64";

    public readonly record struct Range(long Offset, long Length, ulong Hash);

    public static ulong Hash(Stream stream, long offset, long length)
    {
        var hash = new XxHash64();
        var buffer = new byte[1 << 16];
        stream.Seek(offset, SeekOrigin.Begin);
        for (long left = length; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) break;   // truncated: the hash will not match
            hash.Append(buffer.AsSpan(0, n));
            left -= n;
        }
        return hash.GetCurrentHashAsUInt64();
    }

    public static string Format(IEnumerable<Range> ranges) =>
        string.Join(';', ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Offset}:{r.Length}:{r.Hash:x16}")));

    /// <summary>The recorded ranges, or null when the file records none (written elsewhere) or the entry is unreadable.</summary>
    public static List<Range>? Parse(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(MetadataKey, out var text)) return null;
        var ranges = new List<Range>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = part.Split(':');
            if (f.Length != 3
                || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
                || !long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long length)
                || !ulong.TryParse(f[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hash))
                return [];   // a damaged entry: every row group then fails verification
            ranges.Add(new Range(offset, length, hash));
        }
        return ranges;
    }

    /// <summary>Fails with "file: row group G (rows A–B) is damaged" unless every recorded row group hashes as recorded.</summary>
    public static void Verify(string path, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<long> rowsPerGroup)
    {
        var ranges = Parse(metadata);
        if (ranges is null) return;
        if (ranges.Count != rowsPerGroup.Count)
            throw new DataFormatException(path, null, null,
                $"the file records checksums of {ranges.Count} row groups but has {rowsPerGroup.Count}: it is damaged");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long firstRow = 1;
        for (int g = 0; g < ranges.Count; g++)
        {
            var r = ranges[g];
            if (r.Offset < 0 || r.Length < 0 || r.Offset + r.Length > stream.Length || Hash(stream, r.Offset, r.Length) != r.Hash)
                throw new DataFormatException(path, null, null,
                    $"row group {g} (rows {firstRow}–{firstRow + rowsPerGroup[g] - 1}) is damaged: its checksum does not match; restore or regenerate the file");
            firstRow += rowsPerGroup[g];
        }
    }
}
