namespace Que2Engage.Data;

/// <summary>
/// Thrown by row mappers and field parsers when a raw value has the wrong type or is missing; caught per row by the
/// readers, which add file and row and hand the resulting <see cref="DataProblem"/> to the <see cref="ProblemSink"/>.
/// </summary>
internal sealed class RowProblemException(string field, string message) : Exception(message)
{
    /// <summary>A broken <see cref="RowRules"/> rule as an exception.</summary>
    public RowProblemException(DataProblem problem) : this(problem.Field, problem.Message) { }

    public string Field { get; } = field;
}
