using Que2Engage.Experiments;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

/// <summary>Renders <see cref="IExperimentProgress"/> as Spectre.Console progress bars, one per unit of work.</summary>
public sealed class SpectreExperimentProgress : IExperimentProgress
{
    private readonly ProgressContext _ctx;
    private ProgressTask? _task;
    private string? _name;

    private SpectreExperimentProgress(ProgressContext ctx) => _ctx = ctx;

    /// <summary>Runs <paramref name="body"/> inside a live progress display.</summary>
    public static T Run<T>(Func<IExperimentProgress, T> body)
    {
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => { result = body(new SpectreExperimentProgress(ctx)); });
        return result;
    }

    public void Begin(string task, double total)
    {
        if (_name == task && _task is not null)
        {
            _task.MaxValue = Math.Max(total, 1e-9);
            return;
        }
        if (_task is not null) { _task.Value = _task.MaxValue; _task.StopTask(); }
        _name = task;
        _task = _ctx.AddTask(Markup.Escape(task), maxValue: Math.Max(total, 1e-9));
    }

    public void Report(double done, string status)
    {
        if (_task is null) return;
        _task.Value = Math.Min(done, _task.MaxValue);
        _task.Description = Markup.Escape($"{_name}: {status}");
    }

    public void Log(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
}
