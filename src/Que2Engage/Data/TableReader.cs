namespace Que2Engage.Data;

/// <summary>Format-independent row loop: reads raw rows, maps them, and routes every problem through the sink.</summary>
internal static class TableReader
{
    /// <summary>Rows that passed, with the 1-based row number each came from (for later cross-row checks).</summary>
    public sealed record Result<T>(List<T> Rows, List<long> RowNumbers);

    /// <param name="onRejected">Told about each raw row that failed mapping (e.g. to remember its id).</param>
    public static Result<T> Read<T>(string path, TableSpec spec, Func<IRawRow, T> map, ProblemSink sink,
        Func<T, long, bool>? accept = null, Action<IRawRow>? onRejected = null)
    {
        var rows = new List<T>();
        var numbers = new List<long>();
        ForEach(path, spec, map, sink, (value, row) =>
        {
            if (accept is not null && !accept(value, row)) return;
            rows.Add(value);
            numbers.Add(row);
        }, onRejected);
        return new(rows, numbers);
    }

    /// <summary>
    /// Hands each row that maps to <paramref name="onRow"/> with its 1-based row number, holding nothing: memory is
    /// one Parquet row group (or one JSONL line) whatever the file's length.
    /// </summary>
    public static void ForEach<T>(string path, TableSpec spec, Func<IRawRow, T> map, ProblemSink sink,
        Action<T, long> onRow, Action<IRawRow>? onRejected = null)
    {
        void OnRow(long row, IRawRow raw)
        {
            T value;
            try
            {
                value = map(raw);
            }
            catch (RowProblemException e)
            {
                sink.RowProblem(row, e.Field, e.Message);
                onRejected?.Invoke(raw);
                return;
            }
            onRow(value, row);
        }

        long seen = DataWriters.FormatOf(path) switch
        {
            TableFormat.Parquet => ParquetRows.Read(path, spec, OnRow),
            _ => JsonlRows.Read(path, sink, OnRow),
        };
        sink.Report.CountChecked(path, seen);
    }
}
