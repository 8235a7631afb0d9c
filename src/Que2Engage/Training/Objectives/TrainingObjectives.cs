using System.Text.Json;
using System.Text.Json.Serialization;

namespace Que2Engage.Training.Objectives;

/// <summary>The registry of training objectives by name: the CLI's objective option, resume settings, checkpoints and config.json.</summary>
public static class TrainingObjectives
{
    public static ITrainingObjective Contrastive { get; } = new ContrastiveObjective();
    public static ITrainingObjective Mixed { get; } = new MixedBatchObjective();
    public static ITrainingObjective Multitask { get; } = new MultitaskObjective();

    /// <summary>Every objective. A new one: its class in this folder and one entry here.</summary>
    public static IReadOnlyList<ITrainingObjective> All { get; } = [Contrastive, Mixed, Multitask];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(o => o.Name)];

    /// <summary>The model's default objective: multitask for Que2Engage, contrastive for Que2Search.</summary>
    public static ITrainingObjective DefaultFor(Modeling.ModelKind kind) => kind == Modeling.ModelKind.Que2Engage ? Multitask : Contrastive;

    /// <summary>The objective named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ITrainingObjective? Find(string name) =>
        All.FirstOrDefault(o => string.Equals(o.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    public static ITrainingObjective Parse(string name) =>
        Find(name) ?? throw new InvalidInputException($"unknown training objective '{name}' (known: {string.Join(", ", Names)})");
}

/// <summary>An objective is stored as its name ("multitask"), as the enum it replaced was.</summary>
public sealed class TrainingObjectiveJsonConverter : JsonConverter<ITrainingObjective>
{
    public override ITrainingObjective Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string name = reader.GetString() ?? "";
        return TrainingObjectives.Find(name)
            ?? throw new JsonException($"unknown training objective '{name}' (known: {string.Join(", ", TrainingObjectives.Names)})");
    }

    public override void Write(Utf8JsonWriter writer, ITrainingObjective value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Name);
}
