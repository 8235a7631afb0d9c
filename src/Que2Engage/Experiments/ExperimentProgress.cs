namespace Que2Engage.Experiments;

/// <summary>How long-running experiments report progress; the CLI renders it (SpectreExperimentProgress), tests ignore it.</summary>
public interface IExperimentProgress
{
    /// <summary>A new unit of work starts (e.g. "train Que2Search (seed 1)"), with its expected size in steps.</summary>
    void Begin(string task, double total);
    /// <summary>Progress of the current unit, with a short status text.</summary>
    void Report(double done, string status);
    /// <summary>A line worth keeping in the log (skips, results).</summary>
    void Log(string message);

    public static IExperimentProgress None { get; } = new NullProgress();

    private sealed class NullProgress : IExperimentProgress
    {
        public void Begin(string task, double total) { }
        public void Report(double done, string status) { }
        public void Log(string message) { }
    }
}
