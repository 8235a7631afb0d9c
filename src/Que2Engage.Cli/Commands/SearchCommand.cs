using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class SearchCommand
{
    public static Command Create() => Verbs.NotYet("search", "Search an index (hybrid, ebr or lexical).", "issue 5");
}
