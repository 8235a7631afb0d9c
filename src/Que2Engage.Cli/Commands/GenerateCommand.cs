using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class GenerateCommand
{
    public static Command Create() => Verbs.NotYet("generate", "Generate a simulated marketplace (products, impressions, relevance ratings, world.json).", "issue 2");
}
