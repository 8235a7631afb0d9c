using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class ValidateCommand
{
    public static Command Create() => Verbs.NotYet("validate", "Check every file of a data directory: schema, types, ranges, references.", "issue 2");
}
