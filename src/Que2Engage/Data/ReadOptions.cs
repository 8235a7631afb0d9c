namespace Que2Engage.Data;

/// <summary>How readers treat bad rows: strict (default) throws on the first problem; lenient skips and records.</summary>
public sealed class ReadOptions
{
    public bool Lenient { get; init; }

    /// <summary>At most this many problems are kept in <see cref="ReadReport.Problems"/>; all are counted.</summary>
    public int MaxStoredProblems { get; init; } = 10_000;

    public static ReadOptions Strict { get; } = new() { Lenient = false };
    public static ReadOptions LenientMode { get; } = new() { Lenient = true };
}
