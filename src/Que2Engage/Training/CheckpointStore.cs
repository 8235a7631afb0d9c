using System.Text.Json;
using Que2Engage.Common;
using Que2Engage.Modeling;
using Que2Engage.Training.Objectives;
using TorchSharp.Modules;

namespace Que2Engage.Training;

/// <summary>
/// Everything needed to continue a run exactly: the step, the data position (examples consumed), the seed (the
/// per-step torch RNG seed and the data order are pure functions of seed and step/position, so they need no other
/// state), the configuration and the loss curve so far; weights and Adam state live in files named by step.
/// </summary>
public sealed record CheckpointState
{
    public int FormatVersion { get; init; } = CheckpointStore.FormatVersion;
    public int Step { get; init; }
    public long Position { get; init; }
    public int Seed { get; init; }
    public ITrainingObjective Objective { get; init; } = TrainingObjectives.Contrastive;
    public required ModelConfig Config { get; init; }
    public required ContextStatistics ContextStatistics { get; init; }
    public required string WeightsFile { get; init; }
    public required string OptimizerFile { get; init; }
    public List<double> LossCurve { get; init; } = [];
    /// <summary>Checksums of the two files ("xxh128:…"), verified on resume; null in checkpoints written before them.</summary>
    public string? WeightsChecksum { get; init; }
    public string? OptimizerChecksum { get; init; }
    /// <summary>The run's settings that a resume must repeat (<see cref="TrainingOptions.ResumeSettings"/>); null in older checkpoints.</summary>
    public SortedDictionary<string, string>? Settings { get; init; }
    /// <summary>The data set trained on (<see cref="DataIdentity"/>), checked on resume; null in older checkpoints.</summary>
    public DataIdentity? Data { get; init; }
}

/// <summary>
/// Checkpoints under MODEL_DIR/checkpoint/. Weights and optimizer state are written to temp names, renamed to
/// step-numbered names, and only then is state.json renamed into place: that rename is the commit point, so a crash
/// at any moment leaves the previous checkpoint intact and a half-written temp file is never read.
/// </summary>
public static class CheckpointStore
{
    public const int FormatVersion = 1;
    public const string DirectoryName = "checkpoint";
    public const string StateFile = "state.json";

    public static string DirectoryFor(string modelDir) => Path.Combine(modelDir, DirectoryName);

    public static void Save(string modelDir, CheckpointState state, TwoTowerModel model, OptimizerHelper optimizer)
    {
        string dir = DirectoryFor(modelDir);
        Directory.CreateDirectory(dir);
        string weights = $"model-{state.Step:D7}.bin", optim = $"optimizer-{state.Step:D7}.bin";
        string weightsChecksum = ModelStore.SaveWeights(model, Path.Combine(dir, weights));
        string optimChecksum = "";
        AtomicFile.Write(Path.Combine(dir, optim), tmp =>
        {
            optimizer.save_state_dict(tmp);
            optimChecksum = FileChecksum.Compute(tmp);
        });
        var committed = state with
        {
            WeightsFile = weights, OptimizerFile = optim, WeightsChecksum = weightsChecksum, OptimizerChecksum = optimChecksum,
        };
        AtomicFile.WriteAllText(Path.Combine(dir, StateFile), JsonSerializer.Serialize(committed, ModelStore.Json));
        // Older checkpoints and stray temp files are garbage once the new state is committed.
        foreach (var f in Directory.EnumerateFiles(dir))
        {
            string name = Path.GetFileName(f);
            if (name != StateFile && name != weights && name != optim) TryDelete(f);
        }
    }

    /// <summary>The committed checkpoint state, or null when there is none.</summary>
    public static CheckpointState? TryRead(string modelDir)
    {
        string path = Path.Combine(DirectoryFor(modelDir), StateFile);
        if (!File.Exists(path)) return null;
        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), ModelStore.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{path}: corrupt checkpoint state ({e.Message})", e);
        }
        if (state is null || state.FormatVersion != FormatVersion)
            throw new InvalidInputException($"{path}: unsupported checkpoint format");
        foreach (var f in new[] { state.WeightsFile, state.OptimizerFile })
            if (!File.Exists(Path.Combine(DirectoryFor(modelDir), f)))
                throw new InvalidInputException($"{path}: refers to missing file {f}");
        return state;
    }

    public static void Restore(string modelDir, CheckpointState state, TwoTowerModel model, OptimizerHelper optimizer)
    {
        string dir = DirectoryFor(modelDir);
        string weights = Path.Combine(dir, state.WeightsFile), optim = Path.Combine(dir, state.OptimizerFile);
        if (state.WeightsChecksum is string w) ModelStore.VerifyChecksum(weights, w, $"{DirectoryName}/{StateFile}");
        if (state.OptimizerChecksum is string o) ModelStore.VerifyChecksum(optim, o, $"{DirectoryName}/{StateFile}");
        try { model.load(weights, strict: true); }
        catch (Exception e) when (e is not Que2EngageException)
        { throw new InvalidInputException($"{weights}: cannot load checkpoint weights ({e.Message})", e); }
        try { optimizer.load_state_dict(optim); }
        catch (Exception e) when (e is not Que2EngageException)
        { throw new InvalidInputException($"{optim}: cannot load optimizer state ({e.Message})", e); }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
