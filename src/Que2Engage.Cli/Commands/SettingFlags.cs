using System.CommandLine;
using Que2Engage.Training;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// The flag of each library setting (<c>Type.Property</c>) that a verb sets from a flag. The library names its settings
/// in its own terms ("TrainingOptions.Steps must be &gt; 0"); <see cref="Verbs.Run"/> shows such an error with the
/// verb's flag instead ("--steps must be &gt; 0"), and only when that verb has the flag, so a setting a verb fills in by
/// itself is never shown as a flag it does not take.
/// </summary>
public static class SettingFlags
{
    /// <summary>Every setting's flag: the training knobs' from their declarations (<see cref="TrainingKnobs.All"/>), then the other verbs'.</summary>
    public static IReadOnlyDictionary<string, string> Map
    {
        get
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var knob in TrainingKnobs.All)
                if (knob.Flag is string flag)
                    foreach (var setting in knob.Settings) map.Add(setting, flag);
            foreach (var (setting, flag) in Others) map.Add(setting, flag);
            return map;
        }
    }

    private static readonly IReadOnlyDictionary<string, string> Others = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EvaluationOptions.MaxQueries"] = "--max-queries",
        ["AblationOptions.Baselines"] = "--baseline",
        ["WorldSettings.Products"] = "--products",
        ["WorldSettings.Queries"] = "--queries",
        ["WorldSettings.Sessions"] = "--sessions",
        ["GenerationOptions.Overwrite"] = "--overwrite",
        ["IndexBuildOptions.Kind"] = "--kind",
        ["IndexBuildOptions.Quantization"] = "--quantize",
        ["IndexBuildOptions.Threads"] = "--threads",
        ["IndexBuildOptions.BatchSize"] = "--batch-size",
        ["ImportSettings.OutDir"] = "--out",
        ["ImportSettings.EvalFraction"] = "--eval-fraction",
        ["EsciImportOptions.Locale"] = "--locale",
        ["EsciImportOptions.SmallVersionOnly"] = "--small-version",
        ["LogColumnMapping.Query"] = "--query-col",
        ["LogColumnMapping.ProductId"] = "--product-col",
        ["LogColumnMapping.Title"] = "--title-col",
        ["LogColumnMapping.Description"] = "--description-col",
        ["LogColumnMapping.Category"] = "--category-col",
        ["LogColumnMapping.Language"] = "--language-col",
        ["LogColumnMapping.Price"] = "--price-col",
        ["LogColumnMapping.Condition"] = "--condition-col",
        ["LogColumnMapping.SellerRating"] = "--seller-rating-col",
        ["LogColumnMapping.SellerRatingCount"] = "--seller-rating-count-col",
        ["LogColumnMapping.PhotoCount"] = "--photo-count-col",
        ["LogColumnMapping.ListingAgeDays"] = "--listing-age-col",
        ["LogColumnMapping.DistanceKm"] = "--distance-col",
        ["LogColumnMapping.Engaged"] = "--engaged-col",
        ["LogColumnMapping.Rating"] = "--rating-col",
        ["LogColumnMapping.RatingMap"] = "--rating-map",
        ["LogColumnMapping.Session"] = "--session-col",
        ["LogColumnMapping.Position"] = "--position-col",
        ["SearchServerOptions.Host"] = "--host",
        ["SearchServerOptions.Port"] = "--port",
        ["SearchServerOptions.WriteKey"] = "--write-key-file",
        ["SiloSettings.Name"] = "--name",
        ["SiloSettings.Shards"] = "--shards",
        ["SiloSettings.Host"] = "--host",
        ["Membership.Primary"] = "--primary",
        ["Membership.Redis"] = "--redis",
        ["Membership.Gateways"] = "--gateway",
    };

    /// <summary><paramref name="setting"/>'s flag when <paramref name="command"/> takes it, otherwise null.</summary>
    public static string? For(string setting, Command command) =>
        Map.TryGetValue(setting, out var flag) && command.Options.Any(o => o.Name == flag || o.Aliases.Contains(flag)) ? flag : null;

    /// <summary>The message of <paramref name="e"/> as <paramref name="command"/>'s user sees it: settings shown as its flags.</summary>
    public static string Message(Exception e, Command command) =>
        e is Que2EngageException { Settings.Count: > 0 } known ? known.Describe(s => For(s, command)) : e.Message;
}
