namespace Que2Engage.Data;

/// <summary>
/// Streams rows of one table to a file. Nothing appears at the final path until <see cref="IDisposable.Dispose"/>
/// completes normally; if a write failed, or Dispose runs while an exception is unwinding (a <c>using</c> block that
/// threw), the temporary file is deleted instead and the final path is left untouched.
/// </summary>
public interface ITableWriter<T> : IDisposable
{
    /// <summary>Validates and appends one row; an invalid row throws <see cref="InvalidInputException"/>.</summary>
    void Write(T row);

    long RowsWritten { get; }
}
