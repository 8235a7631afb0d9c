using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Experiments;

/// <summary>
/// One trainable configuration: a row of the paper's Table 1 or a point of the λ sweep. <see cref="Options"/>
/// fixes the architecture and objective; seed, steps and other run knobs are applied by the caller.
/// </summary>
public sealed record ModelVariant(string Name, TrainingOptions Options)
{
    /// <summary>The seven rows of Table 1 (He et al., WWW 2023), in the paper's order.</summary>
    public static IReadOnlyList<ModelVariant> PaperTable1 { get; } =
    [
        new("Que2Search", new TrainingOptions { Model = ModelKind.Que2Search, Objective = TrainingObjectives.Contrastive }),
        new("Que2Search w/ contextual encoder", new TrainingOptions { Model = ModelKind.Que2Search, ContextEncoder = true, Objective = TrainingObjectives.Contrastive }),
        new("Que2Search w/ mixed batch loss", new TrainingOptions { Model = ModelKind.Que2Search, Objective = TrainingObjectives.Mixed }),
        new("Que2Search w/ contextual encoder + mixed batch", new TrainingOptions { Model = ModelKind.Que2Search, ContextEncoder = true, Objective = TrainingObjectives.Mixed }),
        new("Que2Engage w/ mixed batch", new TrainingOptions { Model = ModelKind.Que2Engage, Objective = TrainingObjectives.Mixed }),
        new("Que2Engage w/ multitask", new TrainingOptions { Model = ModelKind.Que2Engage, Objective = TrainingObjectives.Multitask }),
        new("Que2Engage w/ multitask + modality dropout", new TrainingOptions { Model = ModelKind.Que2Engage, Objective = TrainingObjectives.Multitask, ModalityDropout = true }),
    ];

    /// <summary>The baseline and the paper's full model: first and last rows of Table 1.</summary>
    public static ModelVariant Que2Search => PaperTable1[0];
    public static ModelVariant Que2EngageFull => PaperTable1[^1];

    /// <summary>The project's recommended Que2Engage (<see cref="TrainingRecipe.Recommended"/>): what the demo trains.</summary>
    public static ModelVariant Que2EngageRecommended { get; } = new("Que2Engage (recommended)",
        TrainingRecipes.Apply(TrainingRecipe.Recommended, new TrainingOptions { Model = ModelKind.Que2Engage, Objective = TrainingObjectives.Multitask }));

    /// <summary>The rows <c>ablation</c> runs by default: the paper's seven, then the recommended Que2Engage.</summary>
    public static IReadOnlyList<ModelVariant> AblationRows { get; } = [.. PaperTable1, Que2EngageRecommended];

    /// <summary>Full Que2Engage with λ1 = <paramref name="lambda1"/>, λ2 = 1 − λ1 (the trade-off curve the paper never shows).</summary>
    public static ModelVariant LambdaPoint(double lambda1) =>
        new($"Que2Engage λ1={lambda1.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}",
            Que2EngageFull.Options with { Lambda1 = lambda1, Lambda2 = 1 - lambda1 });

    /// <summary>Short file-system-safe name.</summary>
    public string Slug
    {
        get
        {
            var chars = Name.Replace("λ", "lambda").ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : c == '.' ? '.' : '-').ToArray();
            var s = new string(chars);
            while (s.Contains("--")) s = s.Replace("--", "-");
            return s.Trim('-');
        }
    }
}
