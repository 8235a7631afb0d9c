namespace Que2Engage;

/// <summary>
/// Base of every error the library raises on purpose. The CLI prints <see cref="Exception.Message"/> as one line
/// (no stack trace) and exits with <see cref="ExitCode"/>: 2 for bad usage or bad input, 1 for runtime failures.
/// </summary>
public class Que2EngageException : Exception
{
    public int ExitCode { get; }
    public Que2EngageException(string message, int exitCode = 1, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;
}

/// <summary>The user's input (a file, a flag value, a request) is wrong. Exit code 2.</summary>
public class InvalidInputException : Que2EngageException
{
    public InvalidInputException(string message, Exception? inner = null) : base(message, 2, inner) { }
}

/// <summary>A data file is malformed; the message names file, row and field.</summary>
public class DataFormatException : InvalidInputException
{
    public string File { get; }
    public long? Row { get; }
    public string? Field { get; }
    /// <summary>What is wrong, without the "file:row: field: " prefix of <see cref="Exception.Message"/>.</summary>
    public string Reason { get; }
    public DataFormatException(string file, long? row, string? field, string message, Exception? inner = null)
        : base(Format(file, row, field, message), inner)
    {
        File = file; Row = row; Field = field; Reason = message;
    }

    public static string Format(string file, long? row, string? field, string message) =>
        $"{file}{(row is null ? "" : ":" + row)}: {(string.IsNullOrEmpty(field) ? "" : field + ": ")}{message}";
}
