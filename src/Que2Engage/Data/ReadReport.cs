namespace Que2Engage.Data;

/// <summary>What readers found: problems (kept up to a cap, all counted), skipped rows and rows checked per file.</summary>
public sealed class ReadReport
{
    public List<DataProblem> Problems { get; } = new();

    /// <summary>Every problem found, including those beyond the storage cap.</summary>
    public long ProblemCount { get; private set; }

    /// <summary>Rows left out in lenient mode (a row with several problems counts once).</summary>
    public long SkippedRows { get; private set; }

    public Dictionary<string, long> SkippedRowsByFile { get; } = new();
    public Dictionary<string, long> RowsCheckedByFile { get; } = new();

    public bool HasProblems => ProblemCount > 0;

    internal void Add(DataProblem problem, int maxStored)
    {
        ProblemCount++;
        if (Problems.Count < maxStored) Problems.Add(problem);
    }

    internal void CountSkipped(string file, long rows = 1)
    {
        SkippedRows += rows;
        SkippedRowsByFile[file] = SkippedRowsByFile.GetValueOrDefault(file) + rows;
    }

    internal void CountChecked(string file, long rows) =>
        RowsCheckedByFile[file] = RowsCheckedByFile.GetValueOrDefault(file) + rows;
}
