namespace Que2Engage.Training;

/// <summary>Outcome of <see cref="Trainer.Train"/>. LossCurve holds the loss of every step from step 1.</summary>
public sealed record TrainingResult(int Steps, double FinalLoss, IReadOnlyList<double> LossCurve, double ExamplesPerSecond, TimeSpan Elapsed);

/// <summary>Reported after every step.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double ExamplesPerSecond, TimeSpan Elapsed, TimeSpan Eta);
