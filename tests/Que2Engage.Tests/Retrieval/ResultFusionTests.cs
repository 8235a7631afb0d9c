using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class ResultFusionTests
{
    private static readonly VectorHit[] Ebr = [new(10, 0.9f), new(20, 0.8f), new(30, 0.5f)];
    private static readonly LexicalHit[] Lex = [new(20, "b", 12f), new(40, "d", 7f)];

    [Fact]
    public void ReciprocalRankFusionAddsOneOverKPlusRankPerList()
    {
        var fused = ResultFusion.Fuse(Ebr, Lex, 10, new FusionOptions { RrfK = 60 });
        Assert.Equal([20, 10, 40, 30], fused.Select(h => h.Ordinal));
        var both = fused[0];
        Assert.Equal(1.0 / 62 + 1.0 / 61, both.Score, 12);
        Assert.Equal(HitSources.Ebr | HitSources.Lexical, both.Sources);
        Assert.Equal((0.8f, 2, 12f, 1), (both.EbrScore!.Value, both.EbrRank!.Value, both.LexicalScore!.Value, both.LexicalRank!.Value));
        var lexOnly = fused.Single(h => h.Ordinal == 40);
        Assert.Equal(HitSources.Lexical, lexOnly.Sources);
        Assert.Null(lexOnly.EbrRank);
        Assert.Equal(["lexical"], lexOnly.Sources.ToWire());
        Assert.Equal(2, ResultFusion.Fuse(Ebr, Lex, 2, new FusionOptions()).Count);
    }

    [Fact]
    public void WeightsShiftTheOrder()
    {
        var lexicalHeavy = ResultFusion.Fuse(Ebr, Lex, 10, new FusionOptions { EbrWeight = 0.1, LexicalWeight = 1 });
        Assert.Equal(20, lexicalHeavy[0].Ordinal);
        Assert.Equal(40, lexicalHeavy[1].Ordinal);
    }

    [Fact]
    public void WeightedScoreFusionMinMaxNormalisesEachList()
    {
        var fused = ResultFusion.Fuse(Ebr, Lex, 10, new FusionOptions { Method = FusionMethod.WeightedScore, EbrWeight = 0.5, LexicalWeight = 0.5 });
        // ordinal 20: ebr (0.8-0.5)/(0.9-0.5)=0.75, lexical 1 → 0.875; ordinal 10: 0.5; ordinal 40: 0; ordinal 30: 0.
        Assert.Equal(20, fused[0].Ordinal);
        Assert.Equal(0.875, fused[0].Score, 6);
        Assert.Equal(0.5, fused[1].Score, 6);
        Assert.Equal([30, 40], fused.Skip(2).Select(h => h.Ordinal));
    }

    [Fact]
    public void BadOptionsAreRejected() =>
        Assert.Throws<InvalidInputException>(() => ResultFusion.Fuse(Ebr, Lex, 5, new FusionOptions { RrfK = -1 }));
}
