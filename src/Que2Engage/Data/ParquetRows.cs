using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>
/// Reads a Parquet table row group by row group: checks the schema against a <see cref="TableSpec"/> first
/// (missing required or mistyped columns are file-level errors), then hands each row to the caller.
/// </summary>
internal static class ParquetRows
{
    static readonly ParquetOptions Options = new() { TreatByteArrayAsString = true };

    /// <returns>Number of rows seen.</returns>
    public static long Read(string path, TableSpec spec, Action<long, IRawRow> onRow)
    {
        ParquetReader reader = Open(path);
        try
        {
            var columns = ResolveColumns(path, reader.Schema, spec);
            ParquetChecksums.Verify(path, reader.CustomMetadata,
                Enumerable.Range(0, reader.RowGroupCount).Select(g => reader.Metadata?.RowGroups[g].NumRows ?? 0).ToList());
            ParquetRawRow? row = null;
            long rows = ReadRowGroups(path, reader, columns, (number, decoded, index) =>
            {
                if (!ReferenceEquals(row?.Columns, decoded)) row = new ParquetRawRow(decoded);
                row!.Index = index;
                onRow(number, row);
            });
            return rows;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    internal static ParquetReader Open(string path)
    {
        try
        {
            return ParquetReader.CreateAsync(path, Options).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, null, null, $"cannot read file: {e.Message}", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DataFormatException(path, null, null, $"not a readable Parquet file ({e.Message})", e);
        }
    }

    static List<(ColumnSpec Spec, Field Field)> ResolveColumns(string path, ParquetSchema schema, TableSpec spec)
    {
        var result = new List<(ColumnSpec, Field)>();
        foreach (var c in spec.Columns)
        {
            var field = schema.Fields.FirstOrDefault(f => f.Name == c.Name);
            if (field is null)
            {
                if (c.Required) throw new DataFormatException(path, null, c.Name, "required column is missing");
                continue;
            }
            if (ParquetColumnDecoder.TypeMismatch(field, c.Kind) is { } mismatch)
                throw new DataFormatException(path, null, c.Name, mismatch);
            result.Add((c, field));
        }
        return result;
    }

    /// <summary>
    /// Decodes <paramref name="columns"/> one row group at a time (the memory bound: two groups) and calls
    /// <paramref name="onRow"/> with each row's 1-based number, its group's decoded columns and its index in the group.
    /// The next group is decoded on a worker while the caller handles this one's rows: on two cores, building the
    /// training cache of 16.4M impressions took 17.4 s instead of 29.1 s. The reader is only ever used by one thread
    /// at a time.
    /// </summary>
    /// <returns>Number of rows seen.</returns>
    internal static long ReadRowGroups(string path, ParquetReader reader, List<(ColumnSpec Spec, Field Field)> columns,
        Action<long, IReadOnlyDictionary<string, DecodedColumn>, int> onRow)
    {
        long rowBase = 0;
        Task<(int Rows, Dictionary<string, DecodedColumn> Columns)>? next =
            reader.RowGroupCount > 0 ? Task.Run(() => DecodeRowGroup(path, reader, 0, columns)) : null;
        try
        {
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                var (rowCount, decoded) = next!.GetAwaiter().GetResult();
                int following = g + 1;
                next = following < reader.RowGroupCount ? Task.Run(() => DecodeRowGroup(path, reader, following, columns)) : null;
                for (int i = 0; i < rowCount; i++) onRow(rowBase + i + 1, decoded, i);
                rowBase += rowCount;
            }
        }
        finally
        {
            // A row that stops the read (strict mode) must not leave a decode running on a reader about to close.
            try { next?.Wait(); }
            catch (AggregateException) { /* that group's error is moot: the read already stopped */ }
        }
        return rowBase;
    }

    static (int Rows, Dictionary<string, DecodedColumn> Columns) DecodeRowGroup(
        string path, ParquetReader reader, int group, List<(ColumnSpec Spec, Field Field)> columns)
    {
        string current = "";
        try
        {
            var rg = reader.OpenRowGroupReader(group);
            int rows = checked((int)rg.RowCount);
            var decoded = new Dictionary<string, DecodedColumn>(columns.Count);
            foreach (var (spec, field) in columns)
            {
                current = spec.Name;
                decoded[spec.Name] = ParquetColumnDecoder.DecodeAsync(rg, field, spec.Kind, rows).GetAwaiter().GetResult();
            }
            return (rows, decoded);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not DataFormatException)
        {
            throw new DataFormatException(path, null, current == "" ? null : current,
                $"row group {group} is corrupt or truncated ({e.Message})", e);
        }
    }
}
