using System.Globalization;
using System.Text.RegularExpressions;

namespace Que2Engage.Data.Import;

/// <summary>
/// Parses the text of one source field into a schema value, throwing <see cref="RowProblemException"/> (caught per
/// row) with a message that quotes the offending value.
/// </summary>
internal static partial class FieldParsers
{
    public static string Required(ISourceRow row, string column)
    {
        var v = row.Text(column);
        return string.IsNullOrWhiteSpace(v) ? throw Problem(column, "required value is missing or empty") : v.Trim();
    }

    public static double? Number(ISourceRow row, string? column)
    {
        if (column is null || row.Text(column) is not { } text || text.Trim().Length == 0) return null;
        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw Problem(column, $"'{Show(text)}' is not a number");
    }

    public static int? Integer(ISourceRow row, string? column)
    {
        if (Number(row, column) is not double d) return null;
        if (Math.Floor(d) != d || d is < int.MinValue or > int.MaxValue) throw Problem(column!, $"'{Show(row.Text(column!)!)}' is not an integer");
        return (int)d;
    }

    /// <summary>
    /// The first number in free text, thousands separators removed: "$1,299.00" → 1299, "4.5 out of 5 stars" → 4.5,
    /// "1,234 ratings" → 1234. For scraped fields (ESCI-S price, stars, rating counts) that carry units.
    /// </summary>
    public static double? LooseNumber(ISourceRow row, string? column)
    {
        if (column is null || row.Text(column) is not { } text || text.Trim().Length == 0) return null;
        var m = FirstNumber().Match(text);
        if (!m.Success) throw Problem(column, $"'{Show(text)}' holds no number");
        return double.Parse(m.Value.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\d[\d,]*(\.\d+)?|\.\d+")]
    private static partial Regex FirstNumber();

    /// <summary>true/false, 1/0, yes/no, y/n, t/f (case-insensitive); also positive counts such as clicks = 3 → true.</summary>
    public static bool Engaged(ISourceRow row, string column)
    {
        var text = Required(row, column);
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "t": return true;
            case "false" or "no" or "n" or "f": return false;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && d >= 0)
            return d > 0;
        throw Problem(column, $"'{Show(text)}' is not a boolean (true/false, 1/0, yes/no or a non-negative count)");
    }

    public static Condition Condition(ISourceRow row, string? column)
    {
        if (column is null || row.Text(column) is not { } text || text.Trim().Length == 0) return Data.Condition.Unknown;
        var wire = text.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        return ConditionNames.TryParse(wire, out var c) ? c
            : throw Problem(column, $"'{Show(text)}' is not one of new, like_new, good, fair, unknown");
    }

    public static RowProblemException Problem(string field, string message) => new(field, message);

    public static string Show(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
