namespace Que2Engage.Data;

/// <summary>Format-independent row loop: reads raw rows, maps them, and routes every problem through the sink.</summary>
internal static class TableReader
{
    /// <summary>Rows that passed, with the 1-based row number each came from (for later cross-row checks).</summary>
    public sealed record Result<T>(List<T> Rows, List<long> RowNumbers);

    public static Result<T> Read<T>(string path, TableSpec spec, Func<IRawRow, T> map, ProblemSink sink, Func<T, long, bool>? accept = null)
    {
        var rows = new List<T>();
        var numbers = new List<long>();
        void OnRow(long row, IRawRow raw)
        {
            T value;
            try
            {
                value = map(raw);
            }
            catch (RowProblemException e)
            {
                sink.RowProblem(row, e.Problem.Field, e.Problem.Message);
                return;
            }
            if (accept is not null && !accept(value, row)) return;
            rows.Add(value);
            numbers.Add(row);
        }

        long seen = DataWriters.FormatOf(path) switch
        {
            TableFormat.Parquet => ParquetRows.Read(path, spec, OnRow),
            _ => JsonlRows.Read(path, sink, OnRow),
        };
        sink.Report.CountChecked(path, seen);
        return new(rows, numbers);
    }
}
