using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class IndexCommand
{
    public static Command Create() => Verbs.NotYet("index", "Embed a catalog and build vector + BM25 indexes.", "issue 5");
}
