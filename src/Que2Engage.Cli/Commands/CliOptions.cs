using System.CommandLine;
using Que2Engage.Modeling;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// Option definitions that several verbs declare the same way (--preset, --threads, --steps), and typed options over a
/// fixed set of names (<see cref="Choice{T}"/>), so that no verb parses such a value by hand.
/// </summary>
public static class CliOptions
{
    /// <summary><c>--preset small|paper</c>, default small.</summary>
    public static Option<string> Preset(string description = "Model preset: small (CPU) or paper.") =>
        Choice("--preset", description, [.. ModelConfig.PresetNames.Select(n => (n, n))], "small");

    /// <summary><c>--threads N</c> (libtorch threads; 0 = all cores by default).</summary>
    public static Option<int> Threads(string description = "libtorch threads (0 = all cores).", int defaultValue = 0) =>
        new("--threads") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--steps N</c>, absent = the library's default.</summary>
    public static Option<int?> Steps(string description) => new("--steps") { Description = description };

    /// <summary>
    /// An option whose value is one of <paramref name="choices"/>' names (case-insensitive), bound to its value. Any
    /// other value is a parse error of one line naming the allowed values (exit 2 like every usage error).
    /// </summary>
    public static Option<T> Choice<T>(string name, string description, IReadOnlyList<(string Name, T Value)> choices, T defaultValue)
    {
        var names = choices.Select(c => c.Name).ToArray();
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => defaultValue,
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
        option.CompletionSources.Add(names);
        return option;
    }
}
