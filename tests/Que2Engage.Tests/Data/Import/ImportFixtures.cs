using System.Text;
using Parquet;
using Parquet.Schema;

namespace Que2Engage.Tests.Data.Import;

/// <summary>
/// The import fixtures (copied to the test output), and their Parquet twins: the real ESCI dataset ships Parquet,
/// so each CSV fixture is also written as Parquet with the dataset's physical types (int64 ids and flags, string
/// text) by an independent little CSV reader here — importing both must give the same tables.
/// </summary>
public static class ImportFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "Import", "Fixtures", name);

    static readonly HashSet<string> Int64Columns = ["example_id", "query_id", "small_version", "large_version"];

    /// <summary>Writes the CSV fixture <paramref name="csvName"/> as a Parquet file in <paramref name="dir"/>.</summary>
    public static string AsParquet(string csvName, string dir, int rowGroupSize = 7)
    {
        var rows = ReadCsv(File.ReadAllText(Path(csvName)));
        var header = rows[0];
        var data = rows.Skip(1).ToList();
        var fields = header.Select(h => Int64Columns.Contains(h) ? (DataField)new DataField<long?>(h) : new DataField<string>(h)).ToArray();
        var path = System.IO.Path.Combine(dir, System.IO.Path.ChangeExtension(csvName, ".parquet"));
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        try
        {
            // Several row groups, so the row-group loop and its row numbering are exercised.
            for (int start = 0; start < data.Count; start += rowGroupSize)
            {
                var chunk = data.Skip(start).Take(rowGroupSize).ToList();
                using var rg = writer.CreateRowGroup();
                for (int c = 0; c < fields.Length; c++)
                {
                    var values = chunk.Select(r => r[c].Length == 0 ? null : r[c]).ToArray();
                    if (fields[c] is DataField<long?> f)
                        rg.WriteAsync<long>(f, values.Select(v => v is null ? (long?)null : long.Parse(v)).ToArray().AsMemory()).GetAwaiter().GetResult();
                    else
                        rg.WriteAsync(fields[c], values).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return path;
    }

    /// <summary>Minimal RFC 4180 reader for well-formed fixtures (quotes, doubled quotes, line breaks in quotes).</summary>
    static List<string[]> ReadCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n')
            {
                row.Add(field.ToString()); field.Clear();
                rows.Add([.. row]); row.Clear();
            }
            else if (ch != '\r') field.Append(ch);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
