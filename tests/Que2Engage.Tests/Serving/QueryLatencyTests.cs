using Que2Engage.Modeling;
using Que2Engage.Serving;
using TorchSharp;

namespace Que2Engage.Tests.Serving;

/// <summary>The single-query fast path (padding only to the batch's longest query) (the latency benchmark's parts are tested in Benchmarks/BenchmarkPartsTests).</summary>
public sealed class QueryLatencyTests
{
    private static ModelConfig Tiny() => new()
    {
        DModel = 16, Heads = 2, Ffn = 32, QueryLayers = 2, FusionLayers = 1, Dim = 8, QueryMaxTokens = 16, DocMaxTokens = 12,
        Tokenizer = new() { VocabSize = 256, TrigramBuckets = 256 },
    };

    [Fact]
    public void AQueryEmbedsTheSameAloneAsInABatchPaddedForALongerQuery()
    {
        torch.manual_seed(3);
        using var model = new TwoTowerModel(Tiny(), new ContextStatistics());
        const string longQuery = "vintage red leather three seater chesterfield sofa with matching footstool";
        Assert.Equal(16, model.Featurizer.Query(longQuery).Tokens.Count(t => t != 0));   // fills the budget
        string[] shortQueries = ["sofa", "red bike", "oak dining table"];
        var batch = model.EmbedQueries([longQuery, .. shortQueries]);
        for (int i = 0; i < shortQueries.Length; i++)
        {
            var alone = model.EmbedQuery(shortQueries[i]);
            Assert.All(Enumerable.Range(0, alone.Length), d => Assert.Equal(batch[i + 1][d], alone[d], 5));
        }
        Assert.NotEqual(batch[0], batch[1]);
    }

    [Fact]
    public void ShortQueriesAreFeaturisedWithoutTrailingPadding()
    {
        var featurizer = new Featurizer(Tiny(), new ContextStatistics());
        using var scope = torch.NewDisposeScope();
        var inputs = featurizer.ToTensors([featurizer.Query("red bike"), featurizer.Query("sofa")]);
        var longest = featurizer.Query("red bike").Tokens.Count(t => t != 0);   // [CLS] red bike [SEP]
        Assert.Equal(new long[] { 2, longest }, inputs.Tokens.shape);
        Assert.Equal(new long[] { 1, 1 }, featurizer.ToTensors([new QueryFeatures([0, 0, 0], [])]).Tokens.shape);
    }
}
