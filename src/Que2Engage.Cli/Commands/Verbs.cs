using System.CommandLine;

namespace Que2Engage.Cli.Commands;

/// <summary>Shared options and the error policy of every verb.</summary>
public static class Verbs
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces and extra diagnostics on errors.",
        Recursive = true,
    };

    /// <summary>
    /// Runs a verb body. Library errors (<see cref="Que2EngageException"/>) become one line on stderr with their
    /// exit code (2 = bad usage/input, 1 = runtime failure); anything else is a bug: one line, exit 1, and the
    /// stack trace only with --verbose. Errors go to the invocation's error writer (Console.Error by default) so
    /// tests can capture them through Program.Run.
    /// </summary>
    public static int Run(ParseResult parse, Func<int> body)
    {
        bool verbose = parse.GetValue(Verbose);
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return body();
        }
        catch (Que2EngageException e)
        {
            error.WriteLine($"error: {e.Message}");
            if (verbose) error.WriteLine(e);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            if (verbose) error.WriteLine(e);
            else error.WriteLine("(run with --verbose for the stack trace)");
            return 1;
        }
    }
}
