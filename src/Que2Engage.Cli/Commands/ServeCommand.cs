using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class ServeCommand
{
    public static Command Create() => Verbs.NotYet("serve", "Serve hybrid search over HTTP with a search page.", "issue 5");
}
