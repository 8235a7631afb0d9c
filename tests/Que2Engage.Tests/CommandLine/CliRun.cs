using Que2Engage.Cli;

namespace Que2Engage.Tests.CommandLine;

/// <summary>The CLI run in-process through <see cref="Program.Run"/>, with its exit code, standard output and standard error.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Capture(params string[] args) => Capture(null, args);

    /// <param name="loadModel">The model loader index, search and serve use (null: the real one).</param>
    public static (int Code, string Out, string Err) Capture(Cli.Commands.ModelLoader? loadModel, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr, loadModel);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
