using System.CommandLine;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// Option definitions that several verbs declare the same way (--preset, --mode, --threads, --steps), typed options over a
/// fixed set of names (<see cref="Choice{T}"/>) and comma-separated lists (<see cref="List{T}"/>), and value checks
/// (<see cref="Check{T}"/>), so that no verb parses or checks such a value by hand.
/// </summary>
public static class CliOptions
{
    /// <summary><c>--preset small|paper</c>, default small.</summary>
    public static Option<string> Preset(string description = "Model preset: small (CPU) or paper.") =>
        Choice("--preset", description, [.. ModelConfig.PresetNames.Select(n => (n, n))], "small");

    /// <summary><c>--mode hybrid|ebr|lexical</c>, default hybrid.</summary>
    public static Option<SearchMode> Mode(string description = "hybrid (EBR + BM25, fused), ebr or lexical.") =>
        Choice("--mode", description, [("hybrid", SearchMode.Hybrid), ("ebr", SearchMode.Ebr), ("lexical", SearchMode.Lexical)], SearchMode.Hybrid);

    /// <summary><c>--threads N</c> (libtorch threads; 0 = all cores by default).</summary>
    public static Option<int> Threads(string description = "libtorch threads (0 = all cores).", int defaultValue = 0) =>
        new("--threads") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--steps N</c>, absent = the library's default.</summary>
    public static Option<int?> Steps(string description) => new("--steps") { Description = description };

    /// <summary>
    /// A comma-separated list option ("0.2,0.5,1"; the option may also be repeated) bound to its parsed items. An item
    /// <paramref name="parse"/> refuses (returns false) is a parse error of one line:
    /// "NAME: 'ITEM' is not <paramref name="expected"/>" (exit 2 like every usage error).
    /// </summary>
    public static Option<T[]> List<T>(string name, string description, TryParse<T> parse, string expected, T[]? defaultValue = null)
    {
        var option = new Option<T[]>(name)
        {
            Description = description,
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r =>
            {
                var items = new List<T>();
                foreach (var token in r.Tokens)
                    foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (parse(part, out var item)) items.Add(item);
                        else
                        {
                            r.AddError($"{name}: '{part}' is not {expected}.");
                            return [];
                        }
                    }
                return [.. items];
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>Parses one item of a <see cref="List{T}"/> option; false = not a valid item.</summary>
    public delegate bool TryParse<T>(string text, out T value);

    /// <summary>An invariant-culture finite number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static TryParse<double> Number(double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        (string text, out double v) => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out v)
                                       && double.IsFinite(v) && v >= min && v <= max;

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static TryParse<int> Integer(int min = int.MinValue, int max = int.MaxValue) =>
        (string text, out int v) => int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out v)
                                    && v >= min && v <= max;

    /// <summary>
    /// Adds a check of <paramref name="option"/>'s value to the parse: a value that is not <paramref name="ok"/> is a
    /// parse error of one line, <paramref name="error"/>'s (exit 2 like every usage error).
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, bool> ok, Func<T, string> error)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>() is var v && !ok(v)) r.AddError(error(v));
        });
        return option;
    }

    /// <summary>
    /// An option whose value is one of <paramref name="choices"/>' names (case-insensitive), bound to its value (not a
    /// bool: System.CommandLine gives a bool option no value token). Any
    /// other value is a parse error of one line naming the allowed values (exit 2 like every usage error). A
    /// <paramref name="required"/> option has no default: leaving it out is a parse error.
    /// </summary>
    public static Option<T> Choice<T>(string name, string description, IReadOnlyList<(string Name, T Value)> choices, T defaultValue, bool required = false)
    {
        var names = choices.Select(c => c.Name).ToArray();
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            Required = required,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return defaultValue;
                var text = r.Tokens[^1].Value;
                foreach (var (n, v) in choices)
                    if (string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) return v;
                r.AddError($"{name} must be {string.Join(", ", names[..^1])}{(names.Length > 1 ? " or " : "")}{names[^1]} (got '{text}').");
                return defaultValue;
            },
        };
        if (!required) option.DefaultValueFactory = _ => defaultValue;
        option.CompletionSources.Add(names);
        return option;
    }
}
