namespace Que2Engage.Data;

/// <summary>A cursor over the decoded columns of one row group; <see cref="Index"/> selects the row.</summary>
internal sealed class ParquetRawRow(IReadOnlyDictionary<string, DecodedColumn> columns) : IRawRow
{
    public IReadOnlyDictionary<string, DecodedColumn> Columns => columns;

    public int Index { get; set; }

    // Fields are asked for by the same string constants on every row of a group: matching them by reference over
    // the few columns comes before a dictionary lookup, five times per row of a log of tens of millions.
    private readonly KeyValuePair<string, DecodedColumn>[] _byName = [.. columns];

    private bool TryColumn(string field, out DecodedColumn column)
    {
        foreach (var (name, c) in _byName)
            if (ReferenceEquals(name, field)) { column = c; return true; }
        return columns.TryGetValue(field, out column!);
    }

    T? Get<T>(string field, bool required, Func<DecodedColumn, T?[]?> pick) where T : struct
    {
        T? v = TryColumn(field, out var c) ? pick(c)![Index] : null;
        if (v is null && required) throw RawRowExtensions.Missing(field);
        return v;
    }

    public string? String(string field, bool required)
    {
        string? v = TryColumn(field, out var c) ? c.Strings![Index] : null;
        if (v is null && required) throw RawRowExtensions.Missing(field);
        return v;
    }

    public double? Double(string field, bool required) => Get(field, required, c => c.Doubles);
    public long? Integer(string field, bool required) => Get(field, required, c => c.Integers);
    public bool? Bool(string field, bool required) => Get(field, required, c => c.Bools);

    public float[][] Vectors(string field)
    {
        if (!TryColumn(field, out var c)) return [];
        if (c.VectorProblems![Index] is { } problem) throw new RowProblemException(field, problem);
        return c.Vectors![Index];
    }
}
