namespace Que2Engage.Evaluation;

/// <summary>Serialises progress callbacks (stages may report from parallel workers) and drops reports that
/// moved less than 1% so a console progress bar is not flooded.</summary>
internal sealed class ProgressReporter(Action<string, double>? onProgress)
{
    private readonly Lock _gate = new();
    private string _stage = "";
    private double _last = -1;

    public void Report(string stage, double fraction)
    {
        if (onProgress is null) return;
        lock (_gate)
        {
            if (stage == _stage && (fraction <= _last || (fraction < 1 && fraction - _last < 0.01))) return;
            _stage = stage;
            _last = fraction;
            onProgress(stage, Math.Clamp(fraction, 0, 1));
        }
    }
}
