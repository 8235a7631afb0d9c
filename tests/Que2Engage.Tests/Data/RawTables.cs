using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Que2Engage.Tests.Data;

/// <summary>
/// Writes arbitrary (possibly invalid) tables, bypassing the validating writers, to test what readers do with bad
/// files. Rows are dictionaries; a Parquet column's type comes from its first non-null value (string, double,
/// float, int, long, bool, float[][]); a key absent from every row is an absent column.
/// </summary>
public static class RawTables
{
    public static List<Dictionary<string, object?>> ProductRows() =>
    [
        Product("a", 10.0, [[0.5f, 1f, 2f]]),
        Product("b", 20.0, []),
        Product("c", 30.0, [[1f, 1f, 1f], [2f, 2f, 2f]]),
    ];

    static Dictionary<string, object?> Product(string id, double price, float[][] images) => new()
    {
        ["product_id"] = id, ["title"] = "title " + id, ["description"] = "d", ["category"] = "cat",
        ["language"] = "en", ["price"] = price, ["condition"] = "good", ["seller_rating"] = 4.0,
        ["seller_rating_count"] = 3, ["photo_count"] = 1, ["listing_age_days"] = 1.5, ["distance_km"] = 2.0,
        ["image_embeddings"] = images,
    };

    public static List<Dictionary<string, object?>> ImpressionRows() =>
    [
        new() { ["session_id"] = "s1", ["query"] = "q", ["product_id"] = "a", ["position"] = 1, ["engaged"] = true },
        new() { ["session_id"] = "s1", ["query"] = "q", ["product_id"] = "b", ["position"] = 2, ["engaged"] = false },
    ];

    public static List<Dictionary<string, object?>> RelevanceRows() =>
    [
        new() { ["query"] = "q", ["product_id"] = "a", ["rating"] = 2 },
        new() { ["query"] = "q", ["product_id"] = "c", ["rating"] = 0 },
    ];

    public static void Write(string path, List<Dictionary<string, object?>> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (path.EndsWith(".jsonl")) File.WriteAllLines(path, rows.Select(r => JsonSerializer.Serialize(r)));
        else WriteParquet(path, rows).GetAwaiter().GetResult();
    }

    static async Task WriteParquet(string path, List<Dictionary<string, object?>> rows)
    {
        var names = rows.SelectMany(r => r.Keys).Distinct().ToList();
        var columns = names.Select(n => Column(n, rows.Select(r => r.GetValueOrDefault(n)).ToList())).ToList();
        var schema = new ParquetSchema(columns.Select(c => c.Field));
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var rg = writer.CreateRowGroup();
        foreach (var c in columns) await c.Write(rg);
    }

    sealed record RawColumn(Field Field, Func<ParquetRowGroupWriter, Task> Write);

    static RawColumn Column(string name, List<object?> values)
    {
        var sample = values.FirstOrDefault(v => v is not null);
        switch (sample)
        {
            case string:
            {
                var f = new DataField<string>(name);
                return new(f, rg => rg.WriteAsync(f, values.Cast<string?>().ToArray()));
            }
            case double: return Typed<double>(name, values);
            case float: return Typed<float>(name, values);
            case int: return Typed<int>(name, values);
            case long: return Typed<long>(name, values);
            case bool: return Typed<bool>(name, values);
            case float[][]: return Vectors(name, values.Cast<float[][]?>().ToList());
            default: throw new ArgumentException($"column {name}: unsupported sample {sample}");
        }
    }

    static RawColumn Typed<T>(string name, List<object?> values) where T : struct
    {
        var f = new DataField<T?>(name);
        var array = values.Select(v => v is null ? (T?)null : (T)v).ToArray();
        return new(f, rg => rg.WriteAsync<T>(f, array.AsMemory()));
    }

    /// <summary>list&lt;list&lt;float?&gt;&gt; with a nullable element, so NaN and nulls can be planted.</summary>
    static RawColumn Vectors(string name, List<float[][]?> rows)
    {
        var leaf = new DataField<float>("element");
        var field = new ListField(name, new ListField("element", leaf));
        var values = new List<float>();
        var defs = new List<int>();
        var reps = new List<int>();
        foreach (var row in rows)
        {
            if (row is null || row.Length == 0) { defs.Add(row is null ? 0 : 1); reps.Add(0); continue; }
            for (int k = 0; k < row.Length; k++)
            {
                if (row[k].Length == 0) { defs.Add(3); reps.Add(k == 0 ? 0 : 1); continue; }
                for (int j = 0; j < row[k].Length; j++)
                {
                    values.Add(row[k][j]);
                    defs.Add(4);
                    reps.Add(j > 0 ? 2 : k > 0 ? 1 : 0);
                }
            }
        }
        return new(field, rg => rg.WriteAllPartsAsync<float>(leaf, values.ToArray(), defs.ToArray(), reps.ToArray(), CancellationToken.None));
    }
}
