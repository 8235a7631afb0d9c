using System.Diagnostics;

namespace Que2Engage.Training;

/// <summary>The phases of one training step, in the order <see cref="Trainer"/> runs them.</summary>
public enum TrainingPhase
{
    /// <summary>Sampling the batch and featurising its queries and products (cached after the first sight).</summary>
    Data,
    /// <summary>Tensorising the features, both towers' forward passes, the collision masks and the loss (with its .item()).</summary>
    Forward,
    /// <summary><c>loss.backward()</c>.</summary>
    Backward,
    /// <summary><c>zero_grad</c> and the Adam step.</summary>
    Optimizer,
    /// <summary>Disposing the step's tensors (the dispose scope).</summary>
    Dispose,
    /// <summary>The rest: learning-rate set-up, metrics, checkpoints, progress.</summary>
    Other,
}

/// <summary>
/// Wall-clock time per <see cref="TrainingPhase"/>, summed over the steps since the last <see cref="Reset"/>, and the
/// model's parameter count. Filled by <see cref="Trainer.Train"/> when one is passed (<c>bench train</c>): libtorch
/// runs CPU ops synchronously, so a phase boundary on the wall clock is where that phase's work really ends.
/// </summary>
public sealed class TrainingProfile
{
    private readonly double[] _seconds = new double[Enum.GetValues<TrainingPhase>().Length];
    private long _mark = Stopwatch.GetTimestamp();

    /// <summary>Trainable parameters of the model (every element of every parameter tensor).</summary>
    public long Parameters { get; internal set; }

    /// <summary>Steps whose phases were summed since the last <see cref="Reset"/>.</summary>
    public int Steps { get; private set; }

    /// <summary>Starts timing from now (the next <see cref="End"/> charges the time since this call).</summary>
    public void Start() => _mark = Stopwatch.GetTimestamp();

    /// <summary>Charges the time since the previous mark to <paramref name="phase"/> and sets a new mark.</summary>
    public void End(TrainingPhase phase)
    {
        long now = Stopwatch.GetTimestamp();
        _seconds[(int)phase] += Stopwatch.GetElapsedTime(_mark, now).TotalSeconds;
        _mark = now;
    }

    /// <summary>Counts one finished step (called after its <see cref="TrainingPhase.Other"/> phase).</summary>
    public void EndStep()
    {
        End(TrainingPhase.Other);
        Steps++;
    }

    /// <summary>Forgets the phases summed so far (e.g. the first step's one-off costs) and restarts the clock.</summary>
    public void Reset()
    {
        Array.Clear(_seconds);
        Steps = 0;
        Start();
    }

    /// <summary>Mean seconds per step of every phase so far (all 0 before any step).</summary>
    public IReadOnlyDictionary<TrainingPhase, double> Snapshot() =>
        Enum.GetValues<TrainingPhase>().ToDictionary(p => p, SecondsPerStep);

    /// <summary>Mean seconds per step spent in <paramref name="phase"/> (0 before any step).</summary>
    public double SecondsPerStep(TrainingPhase phase) => Steps == 0 ? 0 : _seconds[(int)phase] / Steps;
}
