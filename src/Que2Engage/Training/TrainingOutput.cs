using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Training;

/// <summary>
/// What a training run may do with its output directory. Existing work is never replaced silently: a trained model or
/// an interrupted run there is continued only when resuming and replaced only when overwriting, and a data directory
/// is written into only when overwriting.
/// </summary>
public static class TrainingOutput
{
    /// <summary>
    /// What the errors call the resume and overwrite switches and the output directory: the library's words
    /// (<see cref="Library"/>), or a front end's own (the CLI's flags).
    /// </summary>
    public sealed record SwitchNames(string Resume, string Overwrite, string Output)
    {
        public static readonly SwitchNames Library = new("resume", "overwrite", "directory");
    }

    /// <summary>The files a training run writes into a model directory.</summary>
    private static readonly string[] ModelFiles = [ModelStore.ConfigFile, ModelStore.WeightsFile, MetricsLog.FileName, ModelStore.TokenizerModelFile];

    /// <summary>
    /// Checks <paramref name="modelDir"/> against the switches and, with <paramref name="overwrite"/>, removes the previous
    /// run's files (model, metrics, checkpoint) so nothing of it survives into the new one. Returns the checkpoint a
    /// resumed run will continue, or null when it starts fresh. Errors name the switches as <paramref name="names"/> does
    /// (default <see cref="SwitchNames.Library"/>).
    /// </summary>
    public static CheckpointState? Prepare(string modelDir, bool resume, bool overwrite, SwitchNames? names = null)
    {
        var (r, o, output) = names ?? SwitchNames.Library;
        if (resume && overwrite)
            throw new InvalidInputException($"{modelDir}: {r} continues the run there and {o} replaces it: pass one of them");
        if (File.Exists(modelDir)) throw new InvalidInputException($"{modelDir}: exists and is a file, not a model directory");
        if (!Directory.Exists(modelDir)) return null;
        var data = DataFiles.DataEntries(modelDir);
        if (data.Count > 0 && !overwrite)
            throw new InvalidInputException(
                $"{modelDir}: is a data directory ({string.Join(", ", data)}); train into another {output}, or pass {o} to write the model beside the data");
        var checkpoint = CheckpointStore.TryRead(modelDir);
        var found = ModelFiles.Where(f => File.Exists(Path.Combine(modelDir, f))).ToList();
        if (resume) return checkpoint;
        if (overwrite)
        {
            foreach (var f in found) File.Delete(Path.Combine(modelDir, f));
            var ckpt = CheckpointStore.DirectoryFor(modelDir);
            if (Directory.Exists(ckpt)) Directory.Delete(ckpt, recursive: true);
            return null;
        }
        if (found.Contains(ModelStore.ConfigFile))
            throw new InvalidInputException(
                $"{modelDir}: already holds a trained model ({string.Join(", ", found)}); pass {o} to replace it, {r} to continue its checkpoint, or choose another {output}");
        if (checkpoint is not null || found.Count > 0)
            throw new InvalidInputException(
                $"{modelDir}: holds an interrupted run ({(checkpoint is null ? string.Join(", ", found) : $"checkpoint at step {checkpoint.Step}")}); " +
                $"pass {r} to continue it or {o} to start again");
        return null;
    }
}
