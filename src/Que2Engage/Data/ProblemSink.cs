namespace Que2Engage.Data;

/// <summary>Applies the strict/lenient policy for one file: strict throws the first problem, lenient records it.</summary>
internal sealed class ProblemSink(string file, ReadOptions options, ReadReport report)
{
    public string File { get; } = file;
    public ReadReport Report { get; } = report;
    public bool Lenient => options.Lenient;

    /// <summary>Reports a bad row; returns only in lenient mode (the caller then skips the row).</summary>
    public void RowProblem(long row, string field, string message)
    {
        var problem = new DataProblem(File, row, field, message);
        if (!options.Lenient) throw problem.ToException();
        Report.Add(problem, options.MaxStoredProblems);
        Report.CountSkipped(File);
    }
}
