using Que2Engage.Common;

namespace Que2Engage.Tests.Common;

public class StableHashTests
{
    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Fnv1a64MatchesPublishedTestVectors(string text, ulong expected)
    {
        Assert.Equal(expected, StableHash.Fnv1a64(text));
        Assert.Equal(expected, StableHash.Fnv1a64(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void LongAndNonAsciiStringsHashTheirUtf8Bytes()
    {
        string text = new string('ü', 300) + "日本";
        Assert.Equal(StableHash.Fnv1a64(System.Text.Encoding.UTF8.GetBytes(text)), StableHash.Fnv1a64(text));
    }

    [Fact]
    public void Utf16VariantHashesLittleEndianCodeUnits()
    {
        Assert.Equal(0xcbf29ce484222325UL, StableHash.Fnv1a64Utf16(""));
        Assert.Equal(StableHash.Fnv1a64(new byte[] { 0x61, 0x00, 0xe5, 0x65 }), StableHash.Fnv1a64Utf16("a\u65e5"));
        Assert.NotEqual(StableHash.Fnv1a64("a"), StableHash.Fnv1a64Utf16("a"));
    }

    [Fact]
    public void CombineIsOrderSensitiveAndBucketStaysInRange()
    {
        Assert.NotEqual(StableHash.Combine(1, 2), StableHash.Combine(2, 1));
        Assert.Equal((int)(0xaf63dc4c8601ec8cUL % 1000UL), StableHash.Bucket("a", 1000));
    }
}
