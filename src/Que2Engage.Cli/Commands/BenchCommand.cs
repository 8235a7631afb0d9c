using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class BenchCommand
{
    public static Command Create() => Verbs.NotYet("bench", "Benchmarks: training throughput, query latency, index recall vs speed.", "issues 3 and 5");
}
