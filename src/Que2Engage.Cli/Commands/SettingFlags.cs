using System.CommandLine;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// The flag of each library setting (<c>Type.Property</c>) that a verb sets from a flag. The library names its settings
/// in its own terms ("TrainingOptions.Steps must be &gt; 0"); <see cref="Verbs.Run"/> shows such an error with the
/// verb's flag instead ("--steps must be &gt; 0"), and only when that verb has the flag, so a setting a verb fills in by
/// itself is never shown as a flag it does not take.
/// </summary>
public static class SettingFlags
{
    public static readonly IReadOnlyDictionary<string, string> Map = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TrainingOptions.Model"] = "--model",
        ["TrainingOptions.ContextEncoder"] = "--context",
        ["TrainingOptions.ModalityDropout"] = "--modality-dropout",
        ["TrainingOptions.Steps"] = "--steps",
        ["TrainingOptions.Epochs"] = "--epochs",
        ["TrainingOptions.Threads"] = "--threads",
        ["TrainingOptions.CheckpointEvery"] = "--checkpoint-every",
        ["TrainingOptions.Lambda1"] = "--lambda1",
        ["TrainingOptions.Lambda2"] = "--lambda2",
        ["TrainingOptions.EngagedFraction"] = "--engaged-fraction",
        ["TrainingOptions.EngagementGradient"] = "--engagement-gradient",
        ["TrainingOptions.Resume"] = "--resume",
        ["ModelConfigOverrides.InitCheckpoint"] = "--init",
        ["ModelConfigOverrides.TokenizerModel"] = "--tokenizer-model",
        ["ModelConfigOverrides.BatchSize"] = "--batch",
        ["ModelConfigOverrides.LearningRate"] = "--lr",
        ["ModelConfigOverrides.DModel"] = "--d-model",
        ["ModelConfigOverrides.Heads"] = "--heads",
        ["ModelConfigOverrides.Ffn"] = "--ffn",
        ["ModelConfig.BatchSize"] = "--batch",
        ["ModelConfig.LearningRate"] = "--lr",
        ["ModelConfig.HeadLearningRate"] = "--head-lr",
        ["ModelConfig.DModel"] = "--d-model",
        ["ModelConfig.Heads"] = "--heads",
        ["ModelConfig.Ffn"] = "--ffn",
        ["ModelConfig.QueryLayers"] = "--query-layers",
        ["ModelConfig.TextLayers"] = "--text-layers",
        ["ModelConfig.FusionLayers"] = "--fusion-layers",
        ["ModelConfig.Dim"] = "--dim",
        ["ModelConfig.QueryMaxTokens"] = "--query-tokens",
        ["ModelConfig.DocMaxTokens"] = "--doc-tokens",
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
