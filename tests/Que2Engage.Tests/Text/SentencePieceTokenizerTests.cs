using Que2Engage.Text;

namespace Que2Engage.Tests.Text;

public class SentencePieceTokenizerTests
{
    static string ModelPath => Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "tiny_xlmr.model");

    [Fact]
    public void EncodesLikeSpmEncodeWithXlmROffsets()
    {
        var tok = SentencePieceTokenizer.FromModel(ModelPath);
        // spm_encode gives 4 48 39 78 15 6 35 (see Fixtures/README.txt); XLM-R ids are +1.
        Assert.Equal([1, 5, 49, 40, 79, 16, 7, 36, 2, 0, 0, 0], tok.Encode("red leather sofa", 12));
        Assert.Equal(122, tok.VocabSize);   // 120 pieces + offset + <mask>
        Assert.Equal(SentencePieceTokenizer.KindName, tok.Settings.Kind);
    }

    [Fact]
    public void TruncatesKeepsSepAndMapsUnknownsTo3()
    {
        var tok = SentencePieceTokenizer.FromModel(ModelPath);
        var ids = tok.Encode("red leather sofa", 4);
        Assert.Equal([1, 5, 49, 2], ids);
        Assert.Equal([1, 2, 0], tok.Encode("", 3));
        var unknown = tok.Encode("日本", 6);
        Assert.Contains(3, unknown);
        Assert.All(tok.Encode("canapé en cuir rouge Ledersofa", 32), id => Assert.InRange(id, 0, tok.VocabSize - 1));
    }

    [Fact]
    public void FactoryRebuildsItFromSettings()
    {
        var tok = SentencePieceTokenizer.FromModel(ModelPath);
        var again = TokenizerFactory.Create(tok.Settings);
        Assert.Equal(tok.Encode("wireless mouse", 10), again.Encode("wireless mouse", 10));
    }

    [Fact]
    public void BadModelFilesAreInputErrors()
    {
        Assert.Contains("cannot read", Assert.Throws<InvalidInputException>(() => SentencePieceTokenizer.FromModel("/nonexistent/x.model")).Message);
        var junk = Path.GetTempFileName();
        try
        {
            File.WriteAllText(junk, "not a model");
            Assert.Contains("not a SentencePiece model", Assert.Throws<InvalidInputException>(() => SentencePieceTokenizer.FromModel(junk)).Message);
        }
        finally { File.Delete(junk); }
    }
}
