using Que2Engage.Cli;

namespace Que2Engage.Tests.CommandLine;

/// <summary>The CLI run in-process through <see cref="Program.Run"/>, with its exit code, standard output and standard error.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Capture(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
