using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class ImportCommand
{
    public static Command Create() => Verbs.NotYet("import", "Convert external search logs (ESCI, CSV, JSONL) into the data schema.", "issue 6");
}
