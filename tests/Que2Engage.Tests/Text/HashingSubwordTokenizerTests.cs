using Que2Engage.Text;

namespace Que2Engage.Tests.Text;

public class HashingSubwordTokenizerTests
{
    private static readonly HashingSubwordTokenizer Tokenizer = new(new TokenizerSettings());

    [Fact]
    public void IdsAreStableAcrossProcesses()
    {
        // Expected ids computed independently (Python FNV-1a 64 over UTF-8, bucket = 3 + h mod 16381):
        // [CLS] red leather ##leat ##her sofa ikea [SEP] [PAD]…
        var ids = Tokenizer.Encode("Red LEATHER sofa, IKEA!", 10);
        Assert.Equal(new[] { 1, 4422, 14835, 8783, 4124, 4107, 6057, 2, 0, 0 }, ids);
    }

    [Fact]
    public void TrigramIdsAreStable()
    {
        var ids = new CharTrigramHasher(16384, 96).Hash("Sofa");
        Assert.Equal(new[] { 5268, 5571, 13675, 3633 }, ids);
    }

    [Fact]
    public void NormalisesCaseAndCompatibilityForms()
    {
        // NFKC folds full-width letters into ASCII; lower-casing folds case.
        Assert.Equal(Tokenizer.Encode("sofa", 6), Tokenizer.Encode("ＳＯＦＡ", 6));
        Assert.Equal(Tokenizer.Encode("canapé", 6), Tokenizer.Encode("CANAPE\u0301", 6));
    }

    [Theory]
    [InlineData("canapé en cuir rouge")]
    [InlineData("真皮沙发 红色")]
    [InlineData("ソファ")]
    [InlineData("🛋️ sofa 🔥🔥")]
    [InlineData("Диван кожаный")]
    [InlineData("\ud800 lone surrogate")]
    public void HandlesAnyScript(string text)
    {
        var ids = Tokenizer.Encode(text, 16);
        Assert.Equal(ITokenizer.ClsId, ids[0]);
        Assert.True(ids.Count(i => i >= ITokenizer.FirstRegularId) >= 1);
        Assert.All(ids, i => Assert.InRange(i, 0, Tokenizer.VocabSize - 1));
        Assert.NotEmpty(new CharTrigramHasher(new TokenizerSettings()).Hash(text));
    }

    [Fact]
    public void SplitsUnspacedScriptsPerCharacter()
    {
        Assert.Equal(["真", "皮", "沙", "发"], TextNormalizer.Words("真皮沙发"));
        Assert.Equal(["🔥", "sofa"], TextNormalizer.Words("🔥sofa"));
    }

    [Fact]
    public void TruncatesAndPads()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 50).Select(i => "w" + i));
        var truncated = Tokenizer.Encode(longText, 8);
        Assert.Equal(8, truncated.Length);
        Assert.Equal(ITokenizer.ClsId, truncated[0]);
        Assert.Equal(ITokenizer.SepId, truncated[7]);
        Assert.All(truncated[1..7], i => Assert.True(i >= ITokenizer.FirstRegularId));

        var padded = Tokenizer.Encode("sofa", 6);
        Assert.Equal(new[] { ITokenizer.ClsId, padded[1], ITokenizer.SepId, 0, 0, 0 }, padded);

        var empty = Tokenizer.Encode("", 4);
        Assert.Equal(new[] { ITokenizer.ClsId, ITokenizer.SepId, 0, 0 }, empty);
    }

    [Fact]
    public void TrigramHasherCapsCount()
    {
        var ids = new CharTrigramHasher(100, 5).Hash("a very long description text");
        Assert.Equal(5, ids.Length);
        Assert.All(ids, i => Assert.InRange(i, 0, 99));
        Assert.Empty(new CharTrigramHasher(100, 5).Hash("  ,, "));
    }

    [Fact]
    public void FactoryRebuildsFromSettingsAndRejectsUnknownKind()
    {
        var s = new TokenizerSettings { VocabSize = 1000 };
        Assert.Equal(new HashingSubwordTokenizer(s).Encode("red sofa", 6), TokenizerFactory.Create(s).Encode("red sofa", 6));
        Assert.Throws<InvalidInputException>(() => TokenizerFactory.Create(s with { Kind = "nope" }));
    }
}
