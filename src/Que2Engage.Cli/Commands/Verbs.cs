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
    /// Under --lenient, says how many bad rows were skipped and where (nothing when none were): "lenient: skipped 3 bad
    /// rows (products.jsonl 1, train/impressions.jsonl 2); see 'validate' for each one".
    /// </summary>
    public static void ReportSkipped(TextWriter output, Que2Engage.Data.MarketplaceDataset dataset) =>
        ReportSkipped(output, dataset.Directory, dataset.Report.SkippedRowsByFile.ToDictionary(
            kv => Path.GetRelativePath(dataset.Directory, kv.Key).Replace('\\', '/'), kv => kv.Value));

    /// <summary>The lenient line for rows skipped per file (<paramref name="skippedByFile"/>: paths relative to <paramref name="dataDir"/>).</summary>
    public static void ReportSkipped(TextWriter output, string dataDir, IReadOnlyDictionary<string, long> skippedByFile)
    {
        long skipped = skippedByFile.Values.Sum();
        if (skipped == 0) return;
        var files = skippedByFile.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value:N0}");
        output.WriteLine($"lenient: skipped {skipped:N0} bad row{(skipped == 1 ? "" : "s")} ({string.Join(", ", files)}); " +
                         $"'que2engage validate --data {dataDir}' lists them");
    }

    /// <summary>
    /// Runs a verb body. Library errors (<see cref="Que2EngageException"/>) become one line on stderr, the settings they
    /// name shown as this verb's flags (<see cref="SettingFlags"/>), with their exit code (2 = bad usage/input,
    /// 1 = runtime failure); anything else is a bug: one line, exit 1, and the stack trace only with --verbose. Errors go to the invocation's error writer (Console.Error by default) so
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
            error.WriteLine($"error: {SettingFlags.Message(e, parse.CommandResult.Command)}");
            if (verbose) error.WriteLine(e);
            return e.ExitCode;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException)
        {
            // An output path the user may not write to, or one under a file, is a usage error, not a runtime failure.
            error.WriteLine($"error: {e.Message}");
            if (verbose) error.WriteLine(e);
            return 2;
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
