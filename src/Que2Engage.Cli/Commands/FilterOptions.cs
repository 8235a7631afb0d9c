using System.CommandLine;
using Que2Engage.Retrieval;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// The <see cref="SearchFilter"/> flags (--min-price, --condition (repeatable), …): the /search parameter names with
/// dashes. Each value is checked while parsing, by the same rules as the HTTP parameter's, so a bad one is a one-line
/// parse error naming the flag (exit 2).
/// </summary>
internal sealed class FilterOptions
{
    private readonly Dictionary<string, Option> _options = new();

    public FilterOptions()
    {
        foreach (var name in SearchFilter.ParameterNames)
        {
            var flag = "--" + name.Replace('_', '-');
            Option option = name == "condition"
                ? new Option<string[]>(flag) { Description = "Only listings in one of these conditions (repeatable, or comma-separated).", AllowMultipleArgumentsPerToken = false }
                : new Option<string?>(flag) { Description = Describe(name) };
            option.Validators.Add(r =>
            {
                var given = r.Tokens.Select(t => t.Value).ToList();
                try { SearchFilter.Parse(n => n == name ? given : []); }
                catch (InvalidInputException e) { r.AddError($"{flag}: {e.Message}"); }
            });
            _options[name] = option;
        }
    }

    private static string Describe(string name) => name switch
    {
        "min_price" => "Only listings priced at least this.",
        "max_price" => "Only listings priced at most this.",
        "category" => "Only listings of this category (case-insensitive).",
        "max_distance_km" => "Only listings at most this far (unknown distance excluded).",
        "min_seller_rating" => "Only listings whose seller rating is at least this (0–5; unrated excluded).",
        "has_photo" => "true: only listings with a photo; false: only without.",
        _ => name,
    };

    public void AddTo(Command command)
    {
        foreach (var o in _options.Values) command.Options.Add(o);
    }

    public SearchFilter Parse(ParseResult p) => SearchFilter.Parse(name => _options[name] switch
    {
        Option<string[]> many => p.GetValue(many) ?? [],
        Option<string?> one => p.GetValue(one) is { } v ? [v] : [],
        _ => [],
    });
}
