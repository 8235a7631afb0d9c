using System.CommandLine;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>bench</c>: a group of benchmark subcommands, one file each (<see cref="BenchTrainCommand"/>, …). Add a new
/// benchmark by writing its <c>Bench…Command.Create()</c> and listing it here.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var c = new Command("bench", "Benchmarks: training throughput, query latency, index recall vs speed.");
        c.Subcommands.Add(BenchTrainCommand.Create());
        c.Subcommands.Add(BenchIndexCommand.Create());
        c.Subcommands.Add(BenchQueryLatencyCommand.Create());
        c.Subcommands.Add(BenchServeCommand.Create());
        c.Subcommands.Add(BenchCatalogCommand.Create());
        return c;
    }
}
