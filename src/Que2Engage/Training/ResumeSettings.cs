using System.Globalization;
using Que2Engage.Common;
using Que2Engage.Modeling;

namespace Que2Engage.Training;

/// <summary>
/// The settings a resumed run must repeat, keyed by their command-line flag, with the preset's value filled in for a
/// flag not given (so "--batch 256" and no --batch compare equal under the small preset). Every checkpoint records
/// them (<see cref="CheckpointState.Settings"/>) and <see cref="Check"/> refuses a resume whose settings differ,
/// naming each one, instead of silently continuing with another batch size, seed (a different data order) or loss.
/// Run length (steps, epochs), threads and the checkpoint interval may change on resume and are not listed.
/// A new switch that changes what is trained needs one line in <see cref="Of"/>.
/// The keys are a stored format, not messages: checkpoints (<see cref="CheckpointState.Settings"/>) and the ablation's
/// result cells record them, so they stay the CLI flags they were first written as (renaming one would make every
/// stored run look changed, or unchanged).
/// </summary>
public static class ResumeSettings
{
    public static SortedDictionary<string, string> Of(TrainingOptions o)
    {
        var p = ModelConfig.Preset(o.Preset);
        var v = o.Overrides;
        return new(StringComparer.Ordinal)
        {
            ["--model"] = Name(o.Model),
            ["--objective"] = o.Objective.Name,
            ["--context"] = Text(o.Model == ModelKind.Que2Search && o.ContextEncoder),
            ["--modality-dropout"] = Text(o.Model == ModelKind.Que2Engage && o.ModalityDropout),
            ["--preset"] = o.Preset.Trim().ToLowerInvariant(),
            ["--batch"] = Text(v.BatchSize ?? p.BatchSize),
            ["--lr"] = Text(v.LearningRate ?? p.LearningRate),
            ["--seed"] = Text(o.Seed),
            ["--lambda1"] = Text(o.Lambda1),
            ["--lambda2"] = Text(o.Lambda2),
            ["--plain-relevance-softmax"] = Text(!o.CentredRelevance),
            ["--relevance-positives"] = Name(o.RelevancePositives),
            ["--engaged-fraction"] = Text(o.EngagedFraction),
            ["--engagement-prior"] = Text(o.EngagementPrior),
            ["--engagement-gradient"] = Text(o.EngagementGradient),
            ["--d-model"] = Text(v.DModel ?? p.DModel),
            ["--heads"] = Text(v.Heads ?? p.Heads),
            ["--ffn"] = Text(v.Ffn ?? p.Ffn),
            ["--query-layers"] = Text(v.QueryLayers ?? p.QueryLayers),
            ["--text-layers"] = Text(v.TextLayers ?? p.TextLayers),
            ["--fusion-layers"] = Text(v.FusionLayers ?? p.FusionLayers),
            ["que2search text layers"] = Text(v.Que2SearchTextLayers ?? p.Que2SearchTextLayers),
            ["text residual"] = Text(v.TextResidual ?? p.TextResidual),
            ["--head-lr"] = Text(v.HeadLearningRate ?? p.HeadLearningRate),
            ["--dim"] = Text(v.Dim ?? p.Dim),
            ["--query-tokens"] = Text(v.QueryMaxTokens ?? p.QueryMaxTokens),
            ["--doc-tokens"] = Text(v.DocMaxTokens ?? p.DocMaxTokens),
            ["vocab size"] = Text(v.TokenizerModel is null ? v.VocabSize ?? p.Tokenizer.VocabSize : null),
            ["trigram buckets"] = Text(v.TrigramBuckets ?? p.Tokenizer.TrigramBuckets),
            ["--tokenizer-model"] = v.TokenizerModel is null ? "none" : Path.GetFileName(v.TokenizerModel),
            ["--init"] = v.InitCheckpoint is null ? "none" : Path.GetFileName(v.InitCheckpoint),
            ["warm-up steps"] = Text(o.WarmupSteps),
            ["dropout"] = Text(v.Dropout ?? p.Dropout),
            ["--lazy-adam"] = Text(v.LazyAdam ?? p.SparseEmbeddingGradients),
            ["modality drop rates"] = string.Join('/', Text(v.ContextDropRate ?? p.ContextDropRate), Text(v.ImageDropRate ?? p.ImageDropRate), Text(v.TextDropRate ?? p.TextDropRate)),
        };
    }

    /// <summary>
    /// Fails, naming every differing setting, unless <paramref name="options"/> repeats the settings of the checkpoint
    /// <paramref name="state"/>. Only what the checkpoint records is compared: one written before settings were recorded
    /// is checked on model, objective, seed and batch; one written before a newer switch existed, without that switch.
    /// </summary>
    /// <param name="names">How the error names the overwrite switch (default <see cref="TrainingOutput.SwitchNames.Library"/>).</param>
    public static void Check(CheckpointState state, TrainingOptions options, string modelDir, TrainingOutput.SwitchNames? names = null)
    {
        var recorded = state.Settings ?? new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["--model"] = Name(state.Config.Kind),
            ["--objective"] = state.Objective.Name,
            ["--seed"] = Text(state.Seed),
            ["--batch"] = Text(state.Config.BatchSize),
        };
        var now = Of(options);
        var differ = recorded
            .Where(kv => !now.TryGetValue(kv.Key, out var v) || !string.Equals(v, kv.Value, StringComparison.Ordinal))
            .Select(kv => $"{Flag(kv.Key)} {now.GetValueOrDefault(kv.Key, "(not set)")} (checkpoint: {kv.Value})")
            .ToList();
        if (differ.Count > 0)
            throw new InvalidInputException(
                $"{CheckpointStore.DirectoryFor(modelDir)}: cannot resume the checkpoint at step {state.Step} with other settings: " +
                $"{string.Join(", ", differ)}; repeat the checkpoint's settings to continue it, or start again with {(names ?? TrainingOutput.SwitchNames.Library).Overwrite}");
    }

    /// <summary>
    /// The flag that sets a recorded setting, as the error names it. The "--model" key (a stored format, see above)
    /// records <see cref="TrainingOptions.Model"/>, which is the document tower: the recommended Que2Engage recipe
    /// trains que2search's, so naming it --model told a user who gave --model que2engage both times that the checkpoint
    /// was a que2search model. --document-tower is the flag that sets it, whatever --model says.
    /// </summary>
    private static string Flag(string key) => key == "--model" ? "--document-tower" : key;

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Text(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };
}
