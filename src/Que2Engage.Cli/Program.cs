using System.CommandLine;
using Que2Engage.Cli.Commands;
using Que2Engage.Modeling;

namespace Que2Engage.Cli;

/// <summary>Thin entry point: parses the command line and hands each verb to the library.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <param name="loadModel">How index, search and serve load a model directory (default: <see cref="ModelStore.Load"/>).</param>
    public static RootCommand BuildRoot(ModelLoader? loadModel = null)
    {
        loadModel ??= dir => ModelStore.Load(dir);
        var root = new RootCommand(
            "Que2Engage for .NET: train, evaluate, index and serve embedding-based retrieval that finds products " +
            "that are relevant AND engaging (He et al., WWW 2023).");
        root.Options.Add(Verbs.Verbose);
        foreach (var c in new[]
        {
            DemoCommand.Create(), GenerateCommand.Create(), ValidateCommand.Create(), ImportCommand.Create(),
            TrainCommand.Create(), EvaluateCommand.Create(), AblationCommand.Create(),
            IndexCommand.Create(loadModel), SearchCommand.Create(loadModel), ServeCommand.Create(loadModel), SiloCommand.Create(), BenchCommand.Create(),
        })
            root.Subcommands.Add(c);
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ModelLoader? loadModel = null)
    {
        var root = BuildRoot(loadModel);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"error: {e.Message}");
            var verb = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
            stderr.WriteLine($"Run 'que2engage{verb} --help' for usage.");
            return 2;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return parsed.Invoke(config);
    }
}
