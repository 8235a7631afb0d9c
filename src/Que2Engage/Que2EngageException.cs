namespace Que2Engage;

/// <summary>
/// Base of every error the library raises on purpose. The CLI prints <see cref="Exception.Message"/> as one line
/// (no stack trace) and exits with <see cref="ExitCode"/>: 2 for bad usage or bad input, 1 for runtime failures.
/// </summary>
public class Que2EngageException : Exception
{
    public int ExitCode { get; }
    public Que2EngageException(string message, int exitCode = 1, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;

    /// <summary>
    /// The settings the message names, each as <c>Type.Property</c> exactly as it appears in the message
    /// ("TrainingOptions.Steps must be &gt; 0 (got 0)"), so that a front end can show them in its own terms (the CLI
    /// shows its flags: <see cref="Describe"/>). Empty when the message names no setting.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>
    /// The message with every setting of <see cref="Settings"/> replaced by <paramref name="name"/>'s name for it
    /// (left as it is where that returns null). A setting is replaced only as a whole word, longest name first, so
    /// "LogColumnMapping.Rating" does not touch "LogColumnMapping.RatingMap".
    /// </summary>
    public string Describe(Func<string, string?> name)
    {
        if (Settings.Count == 0) return Message;
        var names = Settings.Distinct().OrderByDescending(s => s.Length).ToList();
        var pattern = @"(?<![\w.])(" + string.Join('|', names.Select(System.Text.RegularExpressions.Regex.Escape)) + @")(?![\w])";
        return System.Text.RegularExpressions.Regex.Replace(Message, pattern, m => name(m.Value) ?? m.Value);
    }
}

/// <summary>The user's input (a file, a setting's value, a request) is wrong. Exit code 2.</summary>
public class InvalidInputException : Que2EngageException
{
    public InvalidInputException(string message, Exception? inner = null) : base(message, 2, inner) { }

    /// <summary>
    /// A setting of an options object, or a combination of settings, is invalid: <paramref name="message"/> names each
    /// of <paramref name="settings"/> as <c>Type.Property</c> ("TrainingOptions.Steps must be &gt; 0 (got 0)"), and they
    /// are listed in <see cref="Que2EngageException.Settings"/>.
    /// </summary>
    public static InvalidInputException Setting(string message, params string[] settings)
    {
        System.Diagnostics.Debug.Assert(settings.All(message.Contains), "every setting must appear in the message");
        return new InvalidInputException(message) { Settings = settings };
    }
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
