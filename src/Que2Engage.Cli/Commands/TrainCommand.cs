using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class TrainCommand
{
    public static Command Create() => Verbs.NotYet("train", "Train a Que2Search or Que2Engage model on a data directory.", "issue 3");
}
