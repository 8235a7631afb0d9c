using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>Decoded values of one column of one row group (one of the arrays is set, by kind).</summary>
internal sealed class DecodedColumn
{
    public string?[]? Strings;
    public double?[]? Doubles;
    public long?[]? Integers;
    public bool?[]? Bools;
    public float[][][]? Vectors;
    /// <summary>Per-row structural problem of a vector column (an empty or null vector, a null element).</summary>
    public string?[]? VectorProblems;
}

/// <summary>
/// Reads one Parquet column into nullable CLR arrays, widening physical types so files from other tools work:
/// any integer type for integer fields, any numeric type for double fields, float or double vectors.
/// </summary>
internal static class ParquetColumnDecoder
{
    static readonly HashSet<Type> IntegerTypes =
        [typeof(int), typeof(long), typeof(short), typeof(sbyte), typeof(byte), typeof(ushort), typeof(uint), typeof(ulong)];

    /// <summary>Null when the column's type fits the kind, else a description of the mismatch.</summary>
    public static string? TypeMismatch(Field field, ColumnKind kind)
    {
        if (kind == ColumnKind.Vectors)
        {
            return field is ListField { Item: ListField { Item: DataField leaf } } && (leaf.ClrType == typeof(float) || leaf.ClrType == typeof(double))
                ? null
                : $"expected a list of float lists, found {Describe(field)}";
        }
        if (field is not DataField { MaxRepetitionLevel: 0 } df) return $"expected a single {Expected(kind)} per row, found {Describe(field)}";
        var t = df.ClrType;
        bool ok = kind switch
        {
            ColumnKind.String => t == typeof(string) || t == typeof(ReadOnlyMemory<char>),
            ColumnKind.Integer => IntegerTypes.Contains(t),
            ColumnKind.Double => IntegerTypes.Contains(t) || t == typeof(double) || t == typeof(float) || t == typeof(decimal),
            ColumnKind.Bool => t == typeof(bool),
            _ => false,
        };
        return ok ? null : $"expected {Expected(kind)} values, found {Describe(field)}";
    }

    static string Expected(ColumnKind kind) => kind switch
    {
        ColumnKind.String => "string",
        ColumnKind.Integer => "integer",
        ColumnKind.Double => "number",
        ColumnKind.Bool => "boolean",
        _ => "list",
    };

    static string Describe(Field f) => f switch
    {
        ListField => "a list column",
        StructField => "a struct column",
        MapField => "a map column",
        DataField { MaxRepetitionLevel: > 0 } => "a repeated column",
        DataField d when d.ClrType == typeof(ReadOnlyMemory<char>) => "String column",
        DataField d => $"{d.ClrType.Name} column",
        _ => f.SchemaType.ToString(),
    };

    public static async Task<DecodedColumn> DecodeAsync(ParquetRowGroupReader rg, Field field, ColumnKind kind, int rows)
    {
        if (kind == ColumnKind.Vectors) return await DecodeVectorsAsync(rg, (ListField)field, rows);
        var df = (DataField)field;
        if (kind == ColumnKind.String)
        {
            var s = new string?[rows];
            await rg.ReadAsync(df, s.AsMemory());
            return new DecodedColumn { Strings = s };
        }
        using var raw = await rg.ReadRawColumnDataBaseAsync(df, CancellationToken.None);
        return kind switch
        {
            ColumnKind.Bool => new DecodedColumn { Bools = Expand((RawColumnData<bool>)raw, df, rows, x => x) },
            ColumnKind.Integer => new DecodedColumn { Integers = Integers(raw, df, rows) },
            _ => new DecodedColumn { Doubles = Doubles(raw, df, rows) },
        };
    }

    static long?[] Integers(RawColumnData raw, DataField f, int n) => raw switch
    {
        RawColumnData<int> r => Expand(r, f, n, x => (long)x),
        RawColumnData<long> r => Expand(r, f, n, x => x),
        RawColumnData<short> r => Expand(r, f, n, x => (long)x),
        RawColumnData<sbyte> r => Expand(r, f, n, x => (long)x),
        RawColumnData<byte> r => Expand(r, f, n, x => (long)x),
        RawColumnData<ushort> r => Expand(r, f, n, x => (long)x),
        RawColumnData<uint> r => Expand(r, f, n, x => (long)x),
        RawColumnData<ulong> r => Expand(r, f, n, x => x > long.MaxValue ? long.MaxValue : (long)x),
        _ => throw new InvalidOperationException($"unexpected integer storage {raw.GetType().Name}"),
    };

    static double?[] Doubles(RawColumnData raw, DataField f, int n) => raw switch
    {
        RawColumnData<double> r => Expand(r, f, n, x => x),
        RawColumnData<float> r => Expand(r, f, n, x => (double)x),
        RawColumnData<decimal> r => Expand(r, f, n, x => (double)x),
        RawColumnData<int> r => Expand(r, f, n, x => (double)x),
        RawColumnData<long> r => Expand(r, f, n, x => (double)x),
        RawColumnData<short> r => Expand(r, f, n, x => (double)x),
        RawColumnData<sbyte> r => Expand(r, f, n, x => (double)x),
        RawColumnData<byte> r => Expand(r, f, n, x => (double)x),
        RawColumnData<ushort> r => Expand(r, f, n, x => (double)x),
        RawColumnData<uint> r => Expand(r, f, n, x => (double)x),
        RawColumnData<ulong> r => Expand(r, f, n, x => (double)x),
        _ => throw new InvalidOperationException($"unexpected numeric storage {raw.GetType().Name}"),
    };

    /// <summary>Raw values are dense (nulls left out); definition levels say which rows hold a value.</summary>
    static TOut?[] Expand<TIn, TOut>(RawColumnData<TIn> raw, DataField f, int n, Func<TIn, TOut> convert)
        where TIn : struct where TOut : struct
    {
        var values = raw.Values;
        var result = new TOut?[n];
        if (f.MaxDefinitionLevel == 0)
        {
            for (int i = 0; i < n; i++) result[i] = convert(values[i]);
            return result;
        }
        var defs = raw.DefinitionLevels;
        int maxDef = f.MaxDefinitionLevel, j = 0;
        for (int i = 0; i < n; i++)
            if (defs[i] == maxDef) result[i] = convert(values[j++]);
        return result;
    }

    /// <summary>
    /// Rebuilds list&lt;list&lt;number&gt;&gt; per row from repetition levels (0 new row, 1 new vector, 2 next element)
    /// and definition levels (below the outer list's level: no vectors; below the inner list's: an empty/null
    /// vector; below the leaf's: a null element).
    /// </summary>
    static async Task<DecodedColumn> DecodeVectorsAsync(ParquetRowGroupReader rg, ListField outer, int rows)
    {
        var inner = (ListField)outer.Item;
        var leaf = (DataField)inner.Item;
        using var raw = await rg.ReadRawColumnDataBaseAsync(leaf, CancellationToken.None);
        float[] values = raw switch
        {
            RawColumnData<float> r => r.Values.ToArray(),
            RawColumnData<double> r => Array.ConvertAll(r.Values.ToArray(), x => (float)x),
            _ => throw new InvalidOperationException($"unexpected vector storage {raw.GetType().Name}"),
        };
        var defs = raw.DefinitionLevels;
        var reps = raw.RepetitionLevels;
        int outerDef = outer.MaxDefinitionLevel, innerDef = inner.MaxDefinitionLevel, leafDef = leaf.MaxDefinitionLevel;

        var vectors = new float[rows][][];
        var problems = new string?[rows];
        var rowVectors = new List<float[]>();
        var current = new List<float>();
        bool inVector = false;
        int row = -1, vi = 0;

        void EndVector()
        {
            if (inVector) rowVectors.Add(current.ToArray());
            current.Clear();
            inVector = false;
        }
        void EndRow()
        {
            EndVector();
            if (row >= 0 && row < rows) vectors[row] = rowVectors.ToArray();
            rowVectors.Clear();
        }

        for (int i = 0; i < defs.Length; i++)
        {
            int rep = reps[i], def = defs[i];
            if (rep == 0) { EndRow(); row++; }
            if (row >= rows) break;
            if (def < outerDef) continue;                      // null or empty list: no images
            if (rep <= 1) { EndVector(); inVector = true; }     // a new vector starts
            if (def < innerDef)
            {
                problems[row] ??= $"image {rowVectors.Count} is an empty or null vector";
                inVector = false;
                continue;
            }
            if (def < leafDef)
            {
                problems[row] ??= $"image {rowVectors.Count} element {current.Count} is null";
                current.Add(float.NaN);
                continue;
            }
            current.Add(values[vi++]);
        }
        EndRow();
        if (row + 1 != rows) throw new InvalidOperationException($"image_embeddings holds {row + 1} rows, the row group {rows}");
        for (int r = 0; r < rows; r++) vectors[r] ??= [];
        return new DecodedColumn { Vectors = vectors, VectorProblems = problems };
    }
}
