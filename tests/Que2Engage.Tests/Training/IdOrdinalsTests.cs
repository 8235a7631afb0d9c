using System.IO.Hashing;
using System.Text;
using Que2Engage.Data;
using Que2Engage.Training;
using Que2Engage.Training.Cache;

namespace Que2Engage.Tests.Training;

/// <summary>
/// The cache builder's id table (one slot read per lookup instead of Dictionary's three) and the data identity's
/// one-buffer impression hashing: both are speed changes, so both must answer exactly as before.
/// </summary>
public sealed class IdOrdinalsTests
{
    [Fact]
    public void AnswersAsADictionaryWouldOverManyIdsThroughEveryGrowth()
    {
        var ids = new IdOrdinals();
        var reference = new Dictionary<string, int>(StringComparer.Ordinal);
        var rnd = new Random(3);
        for (int k = 0; k < 50_000; k++)
        {
            string id = $"p{rnd.Next(30_000)}";   // repeats: the first value is kept
            Assert.Equal(reference.TryAdd(id, k), ids.TryAdd(id, k));
        }
        Assert.Equal(reference.Count, ids.Count);
        foreach (var (id, value) in reference)
        {
            Assert.True(ids.TryGetValue(id, out int v));
            Assert.Equal(value, v);
        }
        for (int k = 0; k < 1000; k++) Assert.False(ids.TryGetValue($"q{k}", out _));
        Assert.False(ids.TryGetValue("", out _));
    }

    [Fact]
    public void RemoveForgetsAnIdOnlyWhenItHasTheGivenValue()
    {
        var ids = new IdOrdinals();
        ids.TryAdd("a", 0);
        ids.TryAdd("b", 1);
        ids.Remove("a", 5);   // another row's ordinal: a repeated id keeps its first row
        Assert.True(ids.TryGetValue("a", out _));
        ids.Remove("a", 0);
        Assert.False(ids.TryGetValue("a", out _));
        Assert.True(ids.TryGetValue("b", out int b));
        Assert.Equal(1, b);
    }

    [Fact]
    public void TheImpressionHashIsTheFieldsAsSeparatedUtf8()
    {
        // The identity recorded in checkpoints before the one-buffer encoding: each field as UTF-8 then 0xFF, then
        // "position|engaged" likewise. A checkpoint written then must still resume.
        var rows = new[]
        {
            new Impression("s1", "red chair", "p0000001", 3, true),
            new Impression("s1", "café ünïcode ☕", "p0000002", 12, false),
            new Impression("s2", null!, "p0000003", 1, false),
        };
        var expected = new XxHash128();
        foreach (var i in rows)
            foreach (var field in new[] { i.SessionId, i.Query ?? "\0", i.ProductId, $"{i.Position}|{(i.Engaged ? 1 : 0)}" })
            {
                expected.Append(Encoding.UTF8.GetBytes(field));
                expected.Append([0xFF]);
            }
        var h = new DataIdentity.Hasher();
        foreach (var i in rows) h.Add(i);
        Assert.Equal("xxh128:" + Convert.ToHexStringLower(expected.GetCurrentHash()), h.Result().ImpressionsHash);
        Assert.Equal(3, h.Result().TrainImpressions);
    }
}
