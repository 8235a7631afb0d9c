using System.Diagnostics;
using Que2Engage.Retrieval;
using Spectre.Console;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// Progress of <c>index</c>: on an interactive terminal a live Spectre.Console bar per phase (embedding, HNSW
/// insertion) with the rate and the time remaining; when the output is redirected, plain lines — one per 10 % and at
/// least one every 30 s — so a log file shows the rate without control characters.
/// </summary>
internal static class IndexProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(30);

    public static T Run<T>(TextWriter output, bool live, Func<Action<IndexBuildProgress>, T> body)
    {
        if (!live) return body(Plain(output));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<IndexBuildPhase, ProgressTask>();
                result = body(pr =>
                {
                    if (!tasks.TryGetValue(pr.Phase, out var task))
                    {
                        foreach (var t in tasks.Values) { t.Value = t.MaxValue; t.StopTask(); }
                        tasks[pr.Phase] = task = ctx.AddTask(Label(pr.Phase), maxValue: Math.Max(1, pr.Total));
                    }
                    task.Value = pr.Done;
                    task.Description = $"{Label(pr.Phase)} {pr.Done:N0}/{pr.Total:N0} ({pr.DocsPerSecond:N0} docs/s)";
                });
                foreach (var t in tasks.Values) { t.Value = t.MaxValue; t.StopTask(); }
            });
        return result;
    }

    private static string Label(IndexBuildPhase phase) => phase == IndexBuildPhase.Embedding ? "embedding" : "indexing ";

    private static Action<IndexBuildProgress> Plain(TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var lastPhase = (IndexBuildPhase)(-1);
        int lastDecile = -1;
        var lastLine = TimeSpan.Zero;
        return pr =>
        {
            int decile = pr.Total == 0 ? 10 : (int)((long)pr.Done * 10 / pr.Total);
            if (pr.Phase == lastPhase && decile == lastDecile && clock.Elapsed - lastLine < PlainInterval) return;
            lastPhase = pr.Phase;
            lastDecile = decile;
            lastLine = clock.Elapsed;
            double eta = pr.DocsPerSecond > 0 ? (pr.Total - pr.Done) / pr.DocsPerSecond : 0;
            output.WriteLine($"  {Label(pr.Phase).Trim()}: {pr.Done:N0}/{pr.Total:N0} products ({pr.DocsPerSecond:F0} docs/s" +
                             (pr.Done < pr.Total ? $", {eta:F0} s left)" : ")"));
        };
    }
}
