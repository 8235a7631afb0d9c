using Que2Engage.Common;
using Que2Engage.Modeling;

namespace Que2Engage.Training;

/// <summary>
/// The settings a resumed run must repeat, keyed by their command-line flag, with the preset's value filled in for a
/// flag not given (so "--batch 256" and no --batch compare equal under the small preset). Every checkpoint records
/// them (<see cref="CheckpointState.Settings"/>) and <see cref="Check"/> refuses a resume whose settings differ,
/// naming each one, instead of silently continuing with another batch size, seed (a different data order) or loss.
/// Run length (steps, epochs), threads and the checkpoint interval may change on resume and are not listed.
/// A new switch that changes what is trained declares a <see cref="Knob.ResumeKey"/> (<see cref="TrainingKnobs"/>).
/// The keys are a stored format, not messages: checkpoints (<see cref="CheckpointState.Settings"/>) and the ablation's
/// result cells record them, so they stay the CLI flags they were first written as (renaming one would make every
/// stored run look changed, or unchanged).
/// </summary>
public static class ResumeSettings
{
    public static SortedDictionary<string, string> Of(TrainingOptions o)
    {
        var preset = ModelConfig.Preset(o.Preset);
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var knob in TrainingKnobs.All)
            if (knob.ResumeKey is string key) settings[key] = knob.ResumeText(o, preset)!;
        return settings;
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
            [TrainingKnobs.DocumentTower.ResumeKey!] = Knob.Text(state.Config.Kind),
            [TrainingKnobs.Objective.ResumeKey!] = state.Objective.Name,
            [TrainingKnobs.Seed.ResumeKey!] = Knob.Text(state.Seed),
            [TrainingKnobs.BatchSize.ResumeKey!] = Knob.Text(state.Config.BatchSize),
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
    /// How the error names a recorded setting: its knob's <see cref="Knob.ResumeName"/>, else the key. The "--model" key
    /// records <see cref="TrainingOptions.Model"/>, which is the document tower, so it is named --document-tower
    /// (<see cref="TrainingKnobs.DocumentTower"/>): the recommended Que2Engage recipe trains que2search's, and naming it
    /// --model told a user who gave --model que2engage both times that the checkpoint was a que2search model.
    /// </summary>
    private static string Flag(string key) => TrainingKnobs.All.FirstOrDefault(k => k.ResumeKey == key)?.ResumeName ?? key;
}
