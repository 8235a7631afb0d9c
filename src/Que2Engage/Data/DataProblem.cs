namespace Que2Engage.Data;

/// <summary>
/// One problem in a data file. <see cref="Row"/> is the 1-based data row (the line number for JSONL); 0 means the
/// problem concerns the whole file (unreadable file, missing or mistyped column). Field is "" when not tied to one.
/// The one description of a bad row or file: what validation reports, what lenient reads record, what a
/// <see cref="DataFormatException"/> carries (see <see cref="From"/>), and what <see cref="RowRules"/> returns (with
/// File "" and Row 0 until the reader or writer adds them).
/// </summary>
public sealed record DataProblem(string File, long Row, string Field, string Message)
{
    public override string ToString() =>
        DataFormatException.Format(File, Row > 0 ? Row : null, string.IsNullOrEmpty(Field) ? null : Field, Message);

    internal static DataProblem From(DataFormatException e) => new(e.File, e.Row ?? 0, e.Field ?? "", e.Reason);

    /// <summary>The strict-mode error for this problem (same message as <see cref="ToString"/>).</summary>
    internal DataFormatException ToException() => new(File, Row > 0 ? Row : null, Field, Message);
}
