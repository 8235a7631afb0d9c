using System.Text.Json;
using System.Text.Json.Serialization;
using Que2Engage.Common;
using Que2Engage.Text;

namespace Que2Engage.Modeling;

/// <summary>
/// A self-describing model directory: <c>config.json</c> (format version, model kind and every knob, tokenizer
/// settings, context statistics, image dim) and <c>weights.bin</c> (TorchSharp state dict). Both are written to a
/// temporary name and renamed, weights first, so a crash never leaves a config pointing at half-written weights.
/// config.json records the weights' checksum (<see cref="FileChecksum"/>); <see cref="Load"/> refuses weights that do
/// not match it, and the checksum is the model's identity (<see cref="TwoTowerModel.Identity"/>) that an index records.
/// A model written before checksums existed (no <c>weights_checksum</c>) still loads, with a warning through
/// <see cref="Warn"/>: its weights cannot be verified, but its identity is still the checksum of the file as found.
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

    /// <param name="WeightsChecksum">Checksum of weights.bin ("xxh128:…"); null in models written before checksums.</param>
    /// <param name="Training">How the model was trained, as the trainer wrote it (its LossSettings); null when unknown.</param>
    public sealed record ModelManifest(int FormatVersion, ModelConfig Config, ContextStatistics ContextStatistics, string? WeightsChecksum = null,
        JsonElement? Training = null);

    /// <summary>Where load-time warnings go (default: a "warning: …" line on stderr); tests and hosts may redirect it.</summary>
    public static Action<string> Warn { get; set; } = message => Console.Error.WriteLine($"warning: {message}");

    /// <summary>A SentencePiece model used by the tokenizer is copied here, so the model directory is self-contained.</summary>
    public const string TokenizerModelFile = "tokenizer.model";

    public static void Save(TwoTowerModel model, string dir, JsonElement? training = null)
    {
        Directory.CreateDirectory(dir);
        string checksum = SaveWeights(model, Path.Combine(dir, WeightsFile));
        var config = model.Config;
        if (config.Tokenizer.ModelPath is string spm && spm.Length > 0)
        {
            string target = Path.GetFullPath(Path.Combine(dir, TokenizerModelFile));
            if (!string.Equals(Path.GetFullPath(spm), target, StringComparison.Ordinal))
                AtomicFile.Write(target, tmp => File.Copy(spm, tmp));
            config = config with { Tokenizer = config.Tokenizer with { ModelPath = TokenizerModelFile } };
        }
        var manifest = new ModelManifest(FormatVersion, config, model.ContextStatistics, checksum, training);
        AtomicFile.WriteAllText(Path.Combine(dir, ConfigFile), JsonSerializer.Serialize(manifest, Json));
        model.Identity = checksum;
    }

    /// <summary>Writes the state dict to a temp file and renames it over <paramref name="path"/>; returns its checksum.</summary>
    public static string SaveWeights(TwoTowerModel model, string path)
    {
        string checksum = "";
        AtomicFile.Write(path, tmp =>
        {
            model.save(tmp);
            checksum = FileChecksum.Compute(tmp);
        });
        return checksum;
    }

    /// <summary>Fails with a message naming the file unless <paramref name="path"/> has the checksum <paramref name="expected"/>.</summary>
    public static void VerifyChecksum(string path, string expected, string recordedIn)
    {
        string actual = FileChecksum.Compute(path);
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
            throw new InvalidInputException(
                $"{path}: checksum mismatch ({recordedIn} records {FileChecksum.Short(expected)}…, the file has {FileChecksum.Short(actual)}…): " +
                "the file is damaged or was replaced; restore it or train the model again");
    }

    public static TwoTowerModel Load(string dir)
    {
        string configPath = Path.Combine(dir, ConfigFile);
        string weightsPath = Path.Combine(dir, WeightsFile);
        if (!Directory.Exists(dir)) throw new InvalidInputException($"{dir}: model directory not found");
        var manifest = ReadManifest(configPath);
        if (!File.Exists(weightsPath)) throw new InvalidInputException($"{weightsPath}: model weights not found");
        string identity;
        if (manifest.WeightsChecksum is string recorded)
        {
            VerifyChecksum(weightsPath, recorded, ConfigFile);
            identity = recorded;
        }
        else
        {
            identity = FileChecksum.Compute(weightsPath);
            Warn($"{dir}: {ConfigFile} records no weights checksum (a model written before checksums), so {WeightsFile} " +
                 "cannot be verified; train it again to add one");
        }
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
        model.Identity = identity;
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
