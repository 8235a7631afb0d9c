using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data.Import;

/// <summary>
/// A Parquet file read one row group at a time (bounded memory), decoding only the requested flat columns through
/// the data layer's <see cref="ParquetRows"/> and <see cref="ParquetColumnDecoder"/>, each by the kind its physical type implies.
/// </summary>
internal sealed class ParquetSourceTable : SourceTable
{
    readonly List<ColumnSpec> _wanted = [];

    public ParquetSourceTable(string path, IReadOnlyCollection<string> columns) : base(path)
    {
        var reader = ParquetRows.Open(Path);
        try
        {
            var fields = reader.Schema.Fields;
            Columns = fields.Select(f => f.Name).ToList();
            foreach (var name in columns.Distinct(StringComparer.Ordinal))
            {
                var field = fields.FirstOrDefault(f => f.Name == name);
                if (field is null) continue;
                if (field is not DataField { MaxRepetitionLevel: 0 } df)
                    throw new DataFormatException(path, null, name, "expected a flat column (one value per row), found a nested or list column");
                _wanted.Add(new ColumnSpec(name, KindOf(df), Required: false));
            }
        }
        finally
        {
            Close(reader);
        }
    }

    static void Close(ParquetReader reader) => reader.DisposeAsync().AsTask().GetAwaiter().GetResult();

    static ColumnKind KindOf(DataField f)
    {
        var t = f.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return ColumnKind.String;
        if (t == typeof(bool)) return ColumnKind.Bool;
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return ColumnKind.Double;
        if (ParquetColumnDecoder.TypeMismatch(f, ColumnKind.Integer) is null) return ColumnKind.Integer;
        return ColumnKind.String; // anything else: let TypeMismatch name it below
    }

    public override long Read(ProblemSink sink, Action<long, ISourceRow> onRow)
    {
        var reader = ParquetRows.Open(Path);
        try
        {
            return Read(reader, onRow);
        }
        finally
        {
            Close(reader);
        }
    }

    long Read(ParquetReader reader, Action<long, ISourceRow> onRow)
    {
        var fields = _wanted.Select(c => (Spec: c, Field: reader.Schema.Fields.First(f => f.Name == c.Name))).ToList();
        foreach (var (spec, field) in fields)
            if (ParquetColumnDecoder.TypeMismatch(field, spec.Kind) is { } mismatch)
                throw new DataFormatException(Path, null, spec.Name, mismatch);
        Row? row = null;
        return ParquetRows.ReadRowGroups(Path, reader, fields, (number, decoded, index) =>
        {
            if (!ReferenceEquals(row?.Columns, decoded)) row = new Row(decoded);
            row!.Index = index;
            onRow(number, row);
        });
    }

    sealed class Row(IReadOnlyDictionary<string, DecodedColumn> columns) : ISourceRow
    {
        public IReadOnlyDictionary<string, DecodedColumn> Columns => columns;

        public int Index { get; set; }

        public string? Text(string column)
        {
            if (!columns.TryGetValue(column, out var c)) return null;
            if (c.Strings is not null) return c.Strings[Index];
            if (c.Integers is not null) return c.Integers[Index]?.ToString(CultureInfo.InvariantCulture);
            if (c.Doubles is not null) return c.Doubles[Index]?.ToString("R", CultureInfo.InvariantCulture);
            if (c.Bools is not null) return c.Bools[Index] is bool b ? (b ? "true" : "false") : null;
            return null;
        }
    }
}
