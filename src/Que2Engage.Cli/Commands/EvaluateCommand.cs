using System.CommandLine;

namespace Que2Engage.Cli.Commands;

public static class EvaluateCommand
{
    public static Command Create() => Verbs.NotYet("evaluate", "Evaluate a model: engagement AUC, relevance AUC, recall, NDCG, expected engagement.", "issue 4");
}
