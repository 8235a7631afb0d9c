using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class AblationCommand
{
    public static Command Create() => Verbs.NotYet("ablation", "Reproduce the paper's Table 1 ablation over several seeds.", "issue 4");
}
