using System.Globalization;

namespace Que2Engage.Data.Import;

/// <summary>
/// Maps a source rating onto the schema's 0 (irrelevant) / 1 (partial) / 2 (exact). Two spellings:
/// an explicit table <c>"1:0,2:1,3:2"</c> (keys may be any text, e.g. <c>"E:2,S:1,C:1,I:0"</c>), or a linear scale
/// <c>"LO-HI"</c> that maps LO→0 and HI→2, values in between rounded to the nearest grade (halves round up), so
/// 1-3 is 1→0, 2→1, 3→2 and 1-4 is 1→0, 2→1, 3→1, 4→2. Without a map the values must already be 0, 1 or 2.
/// </summary>
public sealed class RatingMap
{
    readonly Dictionary<string, int>? _table;
    readonly (double Low, double High)? _scale;

    public string Spec { get; }

    RatingMap(string spec, Dictionary<string, int>? table, (double, double)? scale)
    {
        Spec = spec;
        _table = table;
        _scale = scale;
    }

    public static RatingMap Identity { get; } = new("0:0,1:1,2:2",
        new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) { ["0"] = 0, ["1"] = 1, ["2"] = 2 }, null);

    /// <exception cref="InvalidInputException">The spec is neither a table nor a scale.</exception>
    public static RatingMap Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return Identity;
        spec = spec.Trim();
        if (!spec.Contains(':'))
        {
            int dash = spec.IndexOf('-', 1); // a leading '-' would be a negative bound
            if (dash > 0
                && double.TryParse(spec[..dash], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
                && double.TryParse(spec[(dash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi)
                && double.IsFinite(lo) && double.IsFinite(hi) && hi > lo)
                return new RatingMap(spec, null, (lo, hi));
            throw new InvalidInputException($"--rating-map '{spec}': expected a table like \"1:0,2:1,3:2\" or a scale like \"1-4\" (low < high)");
        }
        var table = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = part.LastIndexOf(':');
            string key = colon > 0 ? part[..colon].Trim() : "";
            if (key.Length == 0 || !int.TryParse(part[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int grade) || grade is < 0 or > 2)
                throw new InvalidInputException($"--rating-map '{spec}': entry '{part}' must be VALUE:GRADE with GRADE 0, 1 or 2");
            if (!table.TryAdd(key, grade))
                throw new InvalidInputException($"--rating-map '{spec}': value '{key}' is mapped twice");
        }
        return new RatingMap(spec, table, null);
    }

    /// <summary>The grade of a source value, or null when the map does not cover it.</summary>
    public int? Map(string value)
    {
        value = value.Trim();
        if (_table is not null)
        {
            if (_table.TryGetValue(value, out int g)) return g;
            // "2.0" in a file whose map says "2": compare numerically as well.
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Floor(d) == d
                && _table.TryGetValue(((long)d).ToString(CultureInfo.InvariantCulture), out g)) return g;
            return null;
        }
        var (lo, hi) = _scale!.Value;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < lo || x > hi)
            return null;
        return (int)Math.Round(2 * (x - lo) / (hi - lo), MidpointRounding.AwayFromZero);
    }

    /// <summary>Parses a row's rating column through the map.</summary>
    internal int Grade(ISourceRow row, string column)
    {
        var text = FieldParsers.Required(row, column);
        return Map(text) ?? throw FieldParsers.Problem(column,
            $"'{FieldParsers.Show(text)}' is not covered by the rating map '{Spec}'{(_scale is null && ReferenceEquals(this, Identity) ? " (ratings must be 0, 1 or 2 unless --rating-map is given)" : "")}");
    }
}
