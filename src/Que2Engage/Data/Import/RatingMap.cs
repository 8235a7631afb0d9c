using System.Globalization;

namespace Que2Engage.Data.Import;

/// <summary>
/// Maps a source rating onto the schema's 0 (irrelevant) / 1 (partial) / 2 (exact). Two spellings:
/// an explicit table <c>"1:0,2:1,3:2"</c> (keys may be any text, e.g. <c>"E:2,S:1,C:1,I:0"</c>), or a linear scale
/// <c>"LO-HI"</c> that maps LO→0 and HI→2, values in between rounded to the nearest grade (halves round up), so
/// 1-3 is 1→0, 2→1, 3→2 and 1-4 is 1→0, 2→1, 3→1, 4→2. A third spelling takes thresholds for a mean rating:
/// <c>"&lt;=2:0,&gt;=2.5:2,&gt;2:drop"</c> — comparisons tried in order, the first that holds gives the grade (Home
/// Depot's 1–3 means: ≤ 2.0 irrelevant, ≥ 2.5 exact, the pairs between dropped; or <c>&gt;2:1</c> to keep them as
/// partial). In a table or threshold map the grade <c>drop</c> leaves the pair out (counted in import.json).
/// Without a map the values must already be 0, 1 or 2.
/// </summary>
public sealed class RatingMap
{
    /// <summary>The "grade" of a pair that the map leaves out.</summary>
    public const int Drop = -1;

    readonly Dictionary<string, int>? _table;
    readonly (double Low, double High)? _scale;
    readonly List<(string Op, double Bound, int Grade)>? _thresholds;

    public string Spec { get; }

    /// <summary>True when some values map to <see cref="Drop"/>.</summary>
    public bool CanDrop => (_table?.ContainsValue(Drop) ?? false) || (_thresholds?.Any(t => t.Grade == Drop) ?? false);

    RatingMap(string spec, Dictionary<string, int>? table, (double, double)? scale, List<(string, double, int)>? thresholds = null)
    {
        Spec = spec;
        _table = table;
        _scale = scale;
        _thresholds = thresholds;
    }

    static bool TryGrade(string text, out int grade)
    {
        if (text.Trim().Equals("drop", StringComparison.OrdinalIgnoreCase)) { grade = Drop; return true; }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out grade) && grade is >= 0 and <= 2;
    }

    static readonly string[] Operators = ["<=", ">=", "<", ">"];

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
            throw Invalid(spec, $"expected a table like \"1:0,2:1,3:2\" or a scale like \"1-4\" (low < high)");
        }
        var parts = spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 0 && parts.All(part => Operators.Any(op => part.StartsWith(op, StringComparison.Ordinal))))
        {
            var thresholds = new List<(string, double, int)>();
            foreach (var part in parts)
            {
                string op = Operators.First(o => part.StartsWith(o, StringComparison.Ordinal));
                int colon = part.LastIndexOf(':');
                if (colon < 0 || !double.TryParse(part[op.Length..colon], NumberStyles.Float, CultureInfo.InvariantCulture, out double bound)
                    || !double.IsFinite(bound) || !TryGrade(part[(colon + 1)..], out int g))
                    throw Invalid(spec, $"entry '{part}' must be like \"<=2:0\" or \">2:drop\" (comparison, number, grade 0/1/2 or drop)");
                thresholds.Add((op, bound, g));
            }
            return new RatingMap(spec, null, null, thresholds);
        }
        if (parts.Any(part => Operators.Any(op => part.StartsWith(op, StringComparison.Ordinal))))
            throw Invalid(spec, $"do not mix thresholds (\"<=2:0\") with table entries (\"E:2\")");
        var table = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            int colon = part.LastIndexOf(':');
            string key = colon > 0 ? part[..colon].Trim() : "";
            if (key.Length == 0 || !TryGrade(part[(colon + 1)..], out int grade))
                throw Invalid(spec, $"entry '{part}' must be VALUE:GRADE with GRADE 0, 1, 2 or drop");
            if (!table.TryAdd(key, grade))
                throw Invalid(spec, $"value '{key}' is mapped twice");
        }
        return new RatingMap(spec, table, null);
    }

    /// <summary>The setting a rating map is given as, named by <see cref="Parse"/>'s errors.</summary>
    public const string Setting = "LogColumnMapping.RatingMap";

    private static InvalidInputException Invalid(string spec, string problem) => InvalidInputException.Setting($"{Setting} '{spec}': {problem}", Setting);

    /// <summary>The grade of a source value (<see cref="Drop"/> for a left-out pair), or null when the map does not cover it.</summary>
    public int? Map(string value)
    {
        value = value.Trim();
        if (_thresholds is not null)
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return null;
            foreach (var (op, bound, grade) in _thresholds)
            {
                bool holds = op switch { "<=" => v <= bound, ">=" => v >= bound, "<" => v < bound, _ => v > bound };
                if (holds) return grade;
            }
            return null;
        }
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
            $"'{FieldParsers.Show(text)}' is not covered by the rating map '{Spec}'{(_scale is null && ReferenceEquals(this, Identity) ? " (without a rating map, ratings must be 0, 1 or 2)" : "")}");
    }
}
