namespace Que2Engage.Data;

/// <summary>
/// One problem in a data file. <see cref="Row"/> is the 1-based data row (the line number for JSONL); 0 means the
/// problem concerns the whole file (unreadable file, missing or mistyped column). Field is "" when not tied to one.
/// </summary>
public sealed record DataProblem(string File, long Row, string Field, string Message)
{
    public override string ToString() =>
        DataFormatException.Format(File, Row > 0 ? Row : null, string.IsNullOrEmpty(Field) ? null : Field, Message);

    internal static DataProblem From(DataFormatException e)
    {
        // The exception keeps only the formatted message; strip its "file:row: field: " prefix to recover the reason.
        var prefix = DataFormatException.Format(e.File, e.Row, e.Field, "");
        var reason = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
        return new(e.File, e.Row ?? 0, e.Field ?? "", reason);
    }
}
