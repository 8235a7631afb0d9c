using Que2Engage.Data.Import;

namespace Que2Engage.Tests.Data.Import;

public class QuerySplitTests
{
    static readonly string[] Queries = Enumerable.Range(0, 50).Select(i => $"query {i}").ToArray();

    [Fact]
    public void HoldsOutTheRequestedShareAndDependsOnlyOnTheSetAndSeed()
    {
        var split = QuerySplit.Create(Queries, 0.2, seed: 5);
        Assert.Equal(10, split.EvalQueries);
        Assert.Equal(40, split.TrainQueries);
        var reversed = QuerySplit.Create(Queries.Reverse().ToArray(), 0.2, seed: 5);
        Assert.All(Queries, q => Assert.Equal(split.IsEval(q), reversed.IsEval(q)));
        var other = QuerySplit.Create(Queries, 0.2, seed: 6);
        Assert.Contains(Queries, q => split.IsEval(q) != other.IsEval(q));
    }

    [Fact]
    public void KeepsBothSidesNonEmptyWhenPossible()
    {
        Assert.Equal(1, QuerySplit.Create(["a", "b", "c"], 0.01, 1).EvalQueries);
        Assert.Equal(2, QuerySplit.Create(["a", "b", "c"], 0.99, 1).EvalQueries);
        Assert.Equal(0, QuerySplit.Create(["a", "b", "c"], 0, 1).EvalQueries);
        Assert.Equal(3, QuerySplit.Create(["a", "b", "c"], 1, 1).EvalQueries);
    }

    [Fact]
    public void RejectsFractionsOutsideZeroToOne() =>
        Assert.Throws<InvalidInputException>(() => QuerySplit.Create(Queries, 1.5, 1));
}
