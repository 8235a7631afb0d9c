namespace Que2Engage.Data;

/// <summary>
/// Everything <see cref="DataValidator"/> found in a data directory. File names are relative to the directory.
/// </summary>
public sealed class ValidationResult
{
    /// <summary>The first problems found (up to the requested maximum), in file then row order.</summary>
    public required IReadOnlyList<DataProblem> Problems { get; init; }

    /// <summary>All problems found, including those not listed in <see cref="Problems"/>.</summary>
    public required long TotalProblems { get; init; }

    /// <summary>Data rows examined per file (JSONL: non-blank lines).</summary>
    public required IReadOnlyDictionary<string, long> RowsChecked { get; init; }

    /// <summary>Rows a lenient read would skip, per file (files without skipped rows are absent).</summary>
    public required IReadOnlyDictionary<string, long> SkippedRows { get; init; }

    /// <summary>File-level problems (row 0) stop a file from being read even in lenient mode.</summary>
    public bool HasFileLevelProblems => Problems.Any(p => p.Row == 0);

    public int? ImageDimension { get; init; }

    public bool IsValid => TotalProblems == 0;
}
