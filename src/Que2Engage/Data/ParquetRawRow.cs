namespace Que2Engage.Data;

/// <summary>A cursor over the decoded columns of one row group; <see cref="Index"/> selects the row.</summary>
internal sealed class ParquetRawRow(IReadOnlyDictionary<string, DecodedColumn> columns) : IRawRow
{
    public IReadOnlyDictionary<string, DecodedColumn> Columns => columns;

    public int Index { get; set; }

    T? Get<T>(string field, bool required, Func<DecodedColumn, T?[]?> pick) where T : struct
    {
        T? v = columns.TryGetValue(field, out var c) ? pick(c)![Index] : null;
        if (v is null && required) throw RawRowExtensions.Missing(field);
        return v;
    }

    public string? String(string field, bool required)
    {
        string? v = columns.TryGetValue(field, out var c) ? c.Strings![Index] : null;
        if (v is null && required) throw RawRowExtensions.Missing(field);
        return v;
    }

    public double? Double(string field, bool required) => Get(field, required, c => c.Doubles);
    public long? Integer(string field, bool required) => Get(field, required, c => c.Integers);
    public bool? Bool(string field, bool required) => Get(field, required, c => c.Bools);

    public float[][] Vectors(string field)
    {
        if (!columns.TryGetValue(field, out var c)) return [];
        if (c.VectorProblems![Index] is { } problem) throw new RowProblemException(field, problem);
        return c.Vectors![Index];
    }
}
