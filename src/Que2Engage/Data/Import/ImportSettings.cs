namespace Que2Engage.Data.Import;

/// <summary>Settings shared by every import format.</summary>
public sealed record ImportSettings
{
    /// <summary>Directory to create; must not already hold data tables.</summary>
    public required string OutDir { get; init; }

    /// <summary>Seed of the train/eval split by query.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Share of distinct queries held out for evaluation.</summary>
    public double EvalFraction { get; init; } = 0.2;

    /// <summary>Skip and count malformed rows instead of failing on the first.</summary>
    public bool Lenient { get; init; }

    internal ReadOptions ReadOptions => new() { Lenient = Lenient, MaxStoredProblems = 20 };

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutDir)) throw InvalidInputException.Setting("ImportSettings.OutDir must name a directory", "ImportSettings.OutDir");
        if (!(EvalFraction >= 0 && EvalFraction <= 1))
            throw InvalidInputException.Setting($"ImportSettings.EvalFraction must be between 0 and 1 (got {EvalFraction})", "ImportSettings.EvalFraction");
    }

    /// <summary>A sink for the second pass over a file: its problems were already reported by the first pass.</summary>
    internal static ProblemSink Silent(string path) => new(path, new ReadOptions { Lenient = true, MaxStoredProblems = 0 }, new ReadReport());
}
