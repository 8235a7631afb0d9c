using System.Text.Json;
using System.Text.Json.Serialization;
using Que2Engage.Common;
using Que2Engage.Text;

namespace Que2Engage.Modeling;

/// <summary>
/// A self-describing model directory: <c>config.json</c> (format version, model kind and every knob, tokenizer
/// settings, context statistics, image dim) and <c>weights.bin</c> (TorchSharp state dict). Both are written to a
/// temporary name and renamed, weights first, so a crash never leaves a config pointing at half-written weights.
/// </summary>
public static class ModelStore
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "weights.bin";
    public const int FormatVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <param name="Training">How the model was trained (the loss switches); null when unknown.</param>
    public sealed record ModelManifest(int FormatVersion, ModelConfig Config, ContextStatistics ContextStatistics,
        Training.LossSettings? Training = null);

    /// <summary>A SentencePiece model used by the tokenizer is copied here, so the model directory is self-contained.</summary>
    public const string TokenizerModelFile = "tokenizer.model";

    public static void Save(TwoTowerModel model, string dir, Training.LossSettings? training = null)
    {
        Directory.CreateDirectory(dir);
        SaveWeights(model, Path.Combine(dir, WeightsFile));
        var config = model.Config;
        if (config.Tokenizer.ModelPath is string spm && spm.Length > 0)
        {
            string target = Path.GetFullPath(Path.Combine(dir, TokenizerModelFile));
            if (!string.Equals(Path.GetFullPath(spm), target, StringComparison.Ordinal))
                AtomicFile.Write(target, tmp => File.Copy(spm, tmp));
            config = config with { Tokenizer = config.Tokenizer with { ModelPath = TokenizerModelFile } };
        }
        var manifest = new ModelManifest(FormatVersion, config, model.ContextStatistics, training);
        AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), JsonSerializer.Serialize(manifest, Json));
    }

    /// <summary>Writes the state dict to a temp file and renames it over <paramref name="path"/>.</summary>
    public static void SaveWeights(TwoTowerModel model, string path)
    {
        AtomicFile.Write(path, tmp => model.save(tmp));
    }

    public static TwoTowerModel Load(string dir)
    {
        string configPath = Path.Combine(dir, ConfigFile);
        string weightsPath = Path.Combine(dir, WeightsFile);
        if (!Directory.Exists(dir)) throw new InvalidInputException($"{dir}: model directory not found");
        var manifest = ReadManifest(configPath);
        if (!File.Exists(weightsPath)) throw new InvalidInputException($"{weightsPath}: model weights not found");
        TorchRuntime.PrepareEnvironment();
        var model = new TwoTowerModel(manifest.Config, manifest.ContextStatistics);
        try
        {
            model.load(weightsPath, strict: true);
        }
        catch (Exception e) when (e is not Que2EngageException)
        {
            model.Dispose();
            throw new InvalidInputException($"{weightsPath}: cannot load model weights ({e.Message})", e);
        }
        model.eval();
        return model;
    }

    public static ModelManifest ReadManifest(string configPath)
    {
        if (!File.Exists(configPath)) throw new InvalidInputException($"{configPath}: model config not found");
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(configPath), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{configPath}: not a valid model config ({e.Message})", e);
        }
        if (manifest?.Config is null || manifest.ContextStatistics is null)
            throw new InvalidInputException($"{configPath}: model config is missing 'config' or 'context_statistics'");
        if (manifest.FormatVersion != FormatVersion)
            throw new InvalidInputException($"{configPath}: format_version {manifest.FormatVersion} is not supported (expected {FormatVersion})");
        // A tokenizer file saved beside the config (see Save) is referenced relatively: resolve it here.
        if (manifest.Config.Tokenizer.ModelPath is string spm && spm.Length > 0 && !Path.IsPathRooted(spm))
        {
            string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configPath))!, spm));
            manifest = manifest with { Config = manifest.Config with { Tokenizer = manifest.Config.Tokenizer with { ModelPath = resolved } } };
        }
        try
        {
            manifest.Config.Validate();
            TokenizerFactory.Create(manifest.Config.Tokenizer);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException($"{configPath}: {e.Message}", e);
        }
        return manifest;
    }
}
