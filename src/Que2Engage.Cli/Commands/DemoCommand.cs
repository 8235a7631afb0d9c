using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class DemoCommand
{
    public static Command Create()
    {
        var c = new Command("demo", "One command: generate the simulated marketplace, train Que2Search and Que2Engage, evaluate both, write a report.");
        c.SetAction(p => Verbs.Run(p, () =>
        {
            Console.WriteLine("The demo is not built yet: it needs the simulator (issue 2), training (issue 3) and evaluation (issue 4).");
            return 0;
        }));
        return c;
    }
}
