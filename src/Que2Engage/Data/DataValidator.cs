namespace Que2Engage.Data;

/// <summary>
/// Checks every file of a data directory and collects all problems instead of stopping at the first: a lenient
/// load that also records file-level errors and keeps going with the other files.
/// </summary>
public static class DataValidator
{
    /// <exception cref="InvalidInputException">The directory or its catalog file does not exist.</exception>
    public static ValidationResult Validate(string dataDir, int maxReported = 20)
    {
        var options = new ReadOptions { Lenient = true, MaxStoredProblems = Math.Max(0, maxReported) };
        var report = new ReadReport();
        var dataset = MarketplaceDataset.Load(dataDir, options, report, collectFileErrors: true);

        string Rel(string file) => Path.GetRelativePath(dataDir, file).Replace('\\', '/');
        return new ValidationResult
        {
            Problems = report.Problems.Select(p => p with { File = Rel(p.File) }).ToList(),
            TotalProblems = report.ProblemCount,
            RowsChecked = report.RowsCheckedByFile.ToDictionary(kv => Rel(kv.Key), kv => kv.Value),
            SkippedRows = report.SkippedRowsByFile.ToDictionary(kv => Rel(kv.Key), kv => kv.Value),
            ImageDimension = dataset.ImageDimension,
        };
    }
}
