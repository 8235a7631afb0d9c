using System.Text;

namespace Que2Engage.Data.Import;

/// <summary>A CSV/TSV file with a header line; every record must have as many fields as the header.</summary>
internal sealed class CsvSourceTable : SourceTable
{
    readonly char _delimiter;

    public CsvSourceTable(string path, char delimiter) : base(path)
    {
        _delimiter = delimiter;
        using var reader = OpenText();
        var header = new List<string>();
        using var csv = new CsvRecords(reader, delimiter);
        if (!csv.Read(header, out var problem)) throw new DataFormatException(path, 1, null, "empty file: expected a header line");
        if (problem is not null) throw new DataFormatException(path, 1, null, $"header: {problem}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Count; i++)
        {
            header[i] = header[i].Trim();
            if (header[i].Length == 0) throw new DataFormatException(path, 1, null, $"header column {i + 1} has no name");
            if (!seen.Add(header[i])) throw new DataFormatException(path, 1, header[i], "column name appears twice in the header");
        }
        Columns = header;
    }

    /// <summary>
    /// Invalid UTF-8 decodes to <see cref="InvalidUtf8Marker"/> instead of U+FFFD, so a field that held it can be
    /// reported as "invalid UTF-8" (<see cref="Row.Text"/>) while a genuine U+FFFD in the data stays a character. The
    /// marker is a Unicode noncharacter (U+FDD0, reserved for internal use), which text data does not carry.
    /// </summary>
    internal const char InvalidUtf8Marker = '\uFDD0';

    static readonly Encoding Utf8WithMarker = Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback,
        new DecoderReplacementFallback(InvalidUtf8Marker.ToString()));

    StreamReader OpenText()
    {
        try
        {
            return new StreamReader(Path, Utf8WithMarker, detectEncodingFromByteOrderMarks: true, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(Path, null, null, $"cannot read file: {e.Message}", e);
        }
    }

    public override long Read(ProblemSink sink, Action<long, ISourceRow> onRow)
    {
        var columns = Columns!;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++) index[columns[i]] = i;
        using var reader = OpenText();
        using var csv = new CsvRecords(reader, _delimiter);
        var fields = new List<string>();
        csv.Read(fields, out _); // header, checked in the constructor
        var row = new Row(index, fields);
        long rows = 0;
        try
        {
            while (csv.Read(fields, out var problem))
            {
                rows++;
                if (problem is not null) { sink.RowProblem(csv.RecordLine, "", problem); continue; }
                if (fields.Count != columns.Count)
                {
                    sink.RowProblem(csv.RecordLine, "", $"has {fields.Count} fields, the header has {columns.Count}");
                    continue;
                }
                onRow(csv.RecordLine, row);
            }
        }
        catch (IOException e)
        {
            throw new DataFormatException(Path, csv.RecordLine, null, $"read failed: {e.Message}", e);
        }
        return rows;
    }

    /// <summary>Empty CSV fields read as null (CSV cannot tell an empty string from a missing value).</summary>
    sealed class Row(Dictionary<string, int> index, List<string> fields) : ISourceRow
    {
        public string? Text(string column)
        {
            if (!index.TryGetValue(column, out int i) || fields[i].Length == 0) return null;
            return fields[i].Contains(InvalidUtf8Marker) ? throw FieldParsers.Problem(column, "invalid UTF-8") : fields[i];
        }
    }
}
