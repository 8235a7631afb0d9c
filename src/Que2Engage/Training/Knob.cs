using System.Globalization;
using Que2Engage.Modeling;

namespace Que2Engage.Training;

/// <summary>
/// One training knob, declared once (<see cref="TrainingKnobs.All"/>, or an objective's <see cref="Objectives.ITrainingObjective.Knobs"/>):
/// its flag and --help text, its default, its range check, the library settings an error names it by, the key a
/// checkpoint records it under (<see cref="ResumeSettings"/>) and its config.json name. The CLI makes its option from
/// this declaration (Que2Engage.Cli's KnobOptions); the library reads nothing from the CLI.
/// </summary>
public abstract class Knob
{
    /// <summary>The command-line flag ("--lambda1"); null = a library-only knob (set through <see cref="TrainingOptions"/>).</summary>
    public string? Flag { get; init; }

    /// <summary>The --help text (computed when the CLI is built, so that it may list what is registered then).</summary>
    public Func<string> Help { get; init; } = () => "";

    /// <summary>
    /// The library settings (<c>Type.Property</c>) that errors name and the CLI shows as <see cref="Flag"/>
    /// ("TrainingOptions.Steps must be &gt; 0" → "--steps must be &gt; 0"); the first is the one a range check names.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>
    /// The key a checkpoint records the knob's value under, so that a resume with another value is refused; null =
    /// the knob may change on resume. A stored format: once written, a key stays (see <see cref="ResumeSettings"/>).
    /// </summary>
    public string? ResumeKey { get; init; }

    /// <summary>How a refused resume names the knob; null = <see cref="ResumeKey"/>.</summary>
    public string? ResumeName { get; init; }

    /// <summary>The knob's name in config.json (its "training" section for a loss knob, "config" for a model one); null = not written.</summary>
    public string? ConfigName { get; init; }

    /// <summary>When the CLI applies a given value (<see cref="KnobStage"/>).</summary>
    public KnobStage Stage { get; init; }

    /// <summary>The knob's value as a checkpoint records it (the preset's value filled in), or null without <see cref="ResumeKey"/>.</summary>
    public abstract string? ResumeText(TrainingOptions options, ModelConfig preset);

    /// <summary>Fails with an <see cref="InvalidInputException.Setting"/> error when the knob's value in <paramref name="options"/> is out of range.</summary>
    public abstract void Validate(TrainingOptions options);

    /// <summary>Calls <paramref name="visitor"/> with the knob's value type (how the CLI makes a typed option for it).</summary>
    public abstract TResult Accept<TResult>(IKnobVisitor<TResult> visitor);

    /// <summary>A value as checkpoints record it: numbers invariant and round-trip, booleans yes/no, null "none", enums lower case.</summary>
    public static string Text(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };
}

/// <summary>When the CLI applies a knob: most as it builds the options, then the recipe, then the switches that override the recipe when given.</summary>
public enum KnobStage { Options, Recipe, OverRecipe }

/// <summary>A generic operation over knobs of any value type.</summary>
public interface IKnobVisitor<out TResult>
{
    TResult Visit<T>(Knob<T> knob);
}

/// <summary>A knob whose value is a <typeparamref name="T"/>.</summary>
public sealed class Knob<T> : Knob
{
    /// <summary>The value when nothing sets it (the CLI's default and <see cref="TrainingOptions"/>'s initial value).</summary>
    public T Default { get; init; } = default!;

    /// <summary>The knob's value in a <see cref="TrainingOptions"/>; null for a knob that is not stored there as given (the recipe).</summary>
    public Func<TrainingOptions, T>? Get { get; init; }

    /// <summary>The options with the knob set to a value; null = not settable from the CLI.</summary>
    public Func<TrainingOptions, T, TrainingOptions>? Set { get; init; }

    /// <summary>The allowed values by name (a choice option), or null for a free value.</summary>
    public Func<IReadOnlyList<(string Name, T Value)>>? Choices { get; init; }

    /// <summary>What a checkpoint records (default: <see cref="Get"/>), from the options and their preset.</summary>
    public Func<TrainingOptions, ModelConfig, object?>? Recorded { get; init; }

    /// <summary>The range check: a value it refuses fails as "<c>Settings[0]</c> <see cref="Rule"/> (got value)".</summary>
    public Func<T, bool>? Valid { get; init; }

    /// <summary>The rule <see cref="Valid"/> checks, as an error states it ("must be &gt; 0").</summary>
    public string Rule { get; init; } = "is out of range";

    /// <summary>A check of the knob with others (e.g. λ1 and λ2 together), run after <see cref="Valid"/>.</summary>
    public Action<TrainingOptions>? Check { get; init; }

    public override string? ResumeText(TrainingOptions options, ModelConfig preset) => ResumeKey is null ? null
        : Text(Recorded is not null ? Recorded(options, preset) : Get is not null ? Get(options) : null);

    public override void Validate(TrainingOptions options)
    {
        if (Valid is not null && Get is not null)
        {
            var value = Get(options);
            if (!Valid(value)) throw InvalidInputException.Setting($"{Settings[0]} {Rule} (got {value})", Settings[0]);
        }
        Check?.Invoke(options);
    }

    public override TResult Accept<TResult>(IKnobVisitor<TResult> visitor) => visitor.Visit(this);
}
