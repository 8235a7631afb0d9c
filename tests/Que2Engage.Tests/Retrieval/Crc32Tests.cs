using System.Text;
using Que2Engage.Retrieval;

namespace Que2Engage.Tests.Retrieval;

public class Crc32Tests
{
    [Fact]
    public void MatchesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void IncrementalEqualsOneShotAcrossOddSplits()
    {
        var data = new byte[1037];
        new Random(3).NextBytes(data);
        uint running = 0;
        running = Crc32.Append(running, data.AsSpan(0, 5));
        running = Crc32.Append(running, data.AsSpan(5, 600));
        running = Crc32.Append(running, data.AsSpan(605));
        Assert.Equal(Crc32.Compute(data), running);
        data[500] ^= 0x10;
        Assert.NotEqual(running, Crc32.Compute(data));
    }
}
