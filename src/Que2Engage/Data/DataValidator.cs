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
        // Completeness: a writer killed mid-way leaves temporary "<table>.tmp-…" files, and a table with no rows is as good as
        // missing; either means the directory is partial, which a row-by-row check alone would call "ok".
        foreach (var sub in new[] { "", "train", "eval" })
        {
            var folder = Path.Combine(dataDir, sub);
            if (!System.IO.Directory.Exists(folder)) continue;
            var leftovers = System.IO.Directory.EnumerateFiles(folder, "*.tmp")   // older writers used a fixed "<table>.tmp"
                .Concat(System.IO.Directory.EnumerateFiles(folder, "*" + Common.AtomicFile.TempMarker + "*"));
            foreach (var tmp in leftovers.Order(StringComparer.Ordinal))
                report.Add(new DataProblem(tmp, 0, "", "leftover of an interrupted write: the data directory is incomplete; generate or import it again"), options.MaxStoredProblems);
        }
        foreach (var (file, rows) in report.RowsCheckedByFile.ToList())
            if (rows == 0 && !string.Equals(Path.GetFileNameWithoutExtension(file), DataFiles.ProductsStem, StringComparison.Ordinal))
                report.Add(new DataProblem(file, 0, "", "the table is empty (no rows)"), options.MaxStoredProblems);
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
