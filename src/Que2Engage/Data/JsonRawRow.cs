using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>A JSONL line as a raw row: numbers for numeric fields, strings for text, true/false for booleans.</summary>
internal sealed class JsonRawRow(JsonElement obj) : IRawRow
{
    bool TryGet(string field, bool required, out JsonElement value)
    {
        if (obj.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) throw RawRowExtensions.Missing(field);
        return false;
    }

    public string? String(string field, bool required)
    {
        if (!TryGet(field, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw WrongType(field, "a string", v);
        try { return v.GetString(); }
        catch (InvalidOperationException) { throw Problem(field, "invalid UTF-8"); }
    }

    public double? Double(string field, bool required)
    {
        if (!TryGet(field, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number) throw WrongType(field, "a number", v);
        return v.TryGetDouble(out var d) ? d : throw Problem(field, $"{v.GetRawText()} is not a representable number");
    }

    public long? Integer(string field, bool required)
    {
        if (!TryGet(field, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number) throw WrongType(field, "an integer", v);
        if (v.TryGetInt64(out var l)) return l;
        // Accept integral values written with a fraction or exponent (3.0, 1e2); refuse 2.5.
        if (v.TryGetDouble(out var d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18) return (long)d;
        throw Problem(field, $"expected an integer, found {v.GetRawText()}");
    }

    public bool? Bool(string field, bool required)
    {
        if (!TryGet(field, required, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(field, "true or false", v),
        };
    }

    public float[][] Vectors(string field)
    {
        if (!TryGet(field, false, out var v)) return [];
        if (v.ValueKind != JsonValueKind.Array) throw WrongType(field, "a list of number lists", v);
        var result = new float[v.GetArrayLength()][];
        int i = 0;
        foreach (var vec in v.EnumerateArray())
        {
            if (vec.ValueKind != JsonValueKind.Array) throw Problem(field, $"image {i} is {Describe(vec)}, expected a list of numbers");
            var x = new float[vec.GetArrayLength()];
            int j = 0;
            foreach (var e in vec.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number) throw Problem(field, $"image {i} element {j} is {Describe(e)}, expected a number");
                if (!e.TryGetSingle(out x[j])) throw Problem(field, $"image {i} element {j} ({e.GetRawText()}) is not a representable float");
                j++;
            }
            result[i++] = x;
        }
        return result;
    }

    static RowProblemException Problem(string field, string message) => new(field, message);

    static RowProblemException WrongType(string field, string expected, JsonElement found) =>
        Problem(field, $"expected {expected}, found {Describe(found)}");

    static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"string \"{Truncate(Text(e))}\"",
        JsonValueKind.Number => $"number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {e.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    static string Text(JsonElement e)
    {
        try { return e.GetString()!; }
        catch (InvalidOperationException) { return "(invalid UTF-8)"; }
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
