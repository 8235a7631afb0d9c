namespace Que2Engage.Data;

/// <summary>One invalid field of one row: what the row rules and row mappers report (the caller adds file and row).</summary>
internal sealed record RowProblem(string Field, string Message);

/// <summary>Thrown by row mappers when a raw value has the wrong type or is missing; caught per row by the readers.</summary>
internal sealed class RowProblemException(RowProblem problem) : Exception(problem.Message)
{
    public RowProblem Problem { get; } = problem;
}
