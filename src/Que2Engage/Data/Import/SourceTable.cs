namespace Que2Engage.Data.Import;

/// <summary>One row of an external file, every value seen as text (numbers in invariant culture, booleans as
/// true/false), so one set of field parsers serves CSV, JSONL and Parquet alike.</summary>
internal interface ISourceRow
{
    /// <summary>The value of a column, null when the column is absent or the value is null.</summary>
    string? Text(string column);
}

/// <summary>
/// An external table read as a stream of <see cref="ISourceRow"/>. Row numbers in problems are the line on which a
/// record starts for CSV (the header is line 1) and JSONL, and the 1-based row for Parquet.
/// </summary>
internal abstract class SourceTable
{
    public string Path { get; }

    /// <summary>The columns known before reading (CSV header, Parquet schema); null for JSONL, whose rows each carry
    /// their own keys.</summary>
    public IReadOnlyList<string>? Columns { get; protected init; }

    protected SourceTable(string path) => Path = path;

    /// <summary>Streams every row; structural problems (bad JSON, wrong field count) go to the sink.</summary>
    /// <returns>The number of rows seen, good or bad.</returns>
    public abstract long Read(ProblemSink sink, Action<long, ISourceRow> onRow);

    /// <summary>Opens a file by extension: .csv, .tsv, .jsonl/.ndjson/.json, .parquet.</summary>
    /// <param name="columns">The columns the caller will ask for (Parquet decodes only these).</param>
    public static SourceTable Open(string path, IReadOnlyCollection<string> columns)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: file not found");
        return System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => new CsvSourceTable(path, ','),
            ".tsv" => new CsvSourceTable(path, '\t'),
            ".jsonl" or ".ndjson" or ".json" => new JsonlSourceTable(path),
            ".parquet" => new ParquetSourceTable(path, columns),
            var ext => throw new InvalidInputException($"{path}: unsupported file type '{ext}' (use .csv, .tsv, .jsonl or .parquet)"),
        };
    }

    /// <summary>
    /// File-level check that mapped columns exist (where the columns are known up front). <c>NamedBy</c> says where a
    /// column's name comes from: a setting ("LogColumnMapping.Engaged", listed in the error's
    /// <see cref="Que2EngageException.Settings"/>) or a description ("the ESCI products file").
    /// </summary>
    public void RequireColumns(IEnumerable<(string Column, string NamedBy)> required)
    {
        if (Columns is null) return;
        foreach (var (column, namedBy) in required)
        {
            if (Columns.Contains(column, StringComparer.Ordinal)) continue;
            var near = Columns.FirstOrDefault(c => string.Equals(c, column, StringComparison.OrdinalIgnoreCase));
            var hint = near is null ? "" : $" (did you mean '{near}'?)";
            throw new DataFormatException(Path, null, column,
                $"column named by {namedBy} is missing{hint}; the file has: {string.Join(", ", Columns)}")
            {
                Settings = System.Text.RegularExpressions.Regex.IsMatch(namedBy, @"^[A-Z]\w*\.[A-Z]\w*$") ? [namedBy] : [],
            };
        }
    }

    public bool HasColumn(string column) => Columns is null || Columns.Contains(column, StringComparer.Ordinal);
}
