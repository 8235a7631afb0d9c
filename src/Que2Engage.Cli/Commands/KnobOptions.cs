using System.CommandLine;
using Que2Engage.Training;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// The command-line option of a training knob, made from its declaration (<see cref="Knob"/>, <see cref="TrainingKnobs"/>):
/// its flag, its --help text, its allowed values (a <see cref="CliOptions.Choice{T}"/>) and its default, which --help
/// shows for a number (a switch or an optional value has none to show), and how its value is applied to the options.
/// </summary>
public static class KnobOptions
{
    /// <summary>A knob's option and how its parsed value sets the options.</summary>
    public sealed record Bound(Knob Knob, Option Option, Func<TrainingOptions, ParseResult, TrainingOptions> Apply);

    /// <summary>The option of <paramref name="knob"/> (which has a flag), with <paramref name="help"/> instead of its own text when given.</summary>
    public static Bound Create(Knob knob, string? help = null)
    {
        // --optimizer keeps the values it has always had as a type of its own (TrainCommand.Optimizer).
        if (knob == TrainingKnobs.LazyAdam)
        {
            var optimizer = TrainCommand.OptimizerOption();
            return new Bound(knob, optimizer, (o, p) => TrainingKnobs.LazyAdam.Set!(o, TrainCommand.LazyAdam(p.GetValue(optimizer))));
        }
        return knob.Accept(new Maker(help));
    }

    /// <summary>The options of every knob with a flag, in the table's order (<see cref="TrainingKnobs.All"/>).</summary>
    public static List<Bound> All() => [.. TrainingKnobs.All.Where(k => k.Flag is not null).Select(k => Create(k))];

    /// <summary>
    /// <paramref name="start"/> with the parsed values of <paramref name="bound"/>, stage by stage (<see cref="KnobStage"/>):
    /// the options, then the recipe, then the switches over the recipe that the command line gives.
    /// </summary>
    public static TrainingOptions Bind(IReadOnlyList<Bound> bound, ParseResult p, TrainingOptions start)
    {
        var options = start;
        foreach (var stage in Enum.GetValues<KnobStage>())
            foreach (var b in bound.Where(b => b.Knob.Stage == stage))
                if (stage != KnobStage.OverRecipe || p.GetResult(b.Option) is { Implicit: false })
                    options = b.Apply(options, p);
        return options;
    }

    /// <summary>The option of <paramref name="knob"/> among <paramref name="bound"/>.</summary>
    public static Option<T> Of<T>(this IReadOnlyList<Bound> bound, Knob<T> knob) => (Option<T>)bound.Single(b => b.Knob == knob).Option;

    private sealed class Maker(string? help) : IKnobVisitor<Bound>
    {
        public Bound Visit<T>(Knob<T> knob)
        {
            string description = help ?? knob.Help();
            Option<T> option;
            if (knob.Choices is { } choices) option = CliOptions.Choice(knob.Flag!, description, choices(), knob.Default);
            else
            {
                option = new Option<T>(knob.Flag!) { Description = description };
                if (typeof(T).IsValueType && typeof(T) != typeof(bool) && Nullable.GetUnderlyingType(typeof(T)) is null)
                    option.DefaultValueFactory = _ => knob.Default;
            }
            return new Bound(knob, option, (o, p) => knob.Set is null ? o : knob.Set(o, p.GetValue(option)!));
        }
    }
}
