using Que2Engage.Common;
using Que2Engage.Tests.Data;

namespace Que2Engage.Tests.Common;

public class AtomicFileTests
{
    [Fact]
    public void WriteAllTextReplacesTheFileAndLeavesNoTempFileBehind()
    {
        using var dir = new TempDir();
        string path = dir.File(Path.Combine("sub", "out.json"));
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second ü");
        Assert.Equal("second ü", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void FailedWriteKeepsThePreviousFileAndRemovesTheTempFile()
    {
        using var dir = new TempDir();
        string path = dir.File("weights.bin");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new InvalidOperationException("writer crashed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void UnwritableTargetBecomesALibraryError()
    {
        using var dir = new TempDir();
        string path = dir.File("taken");
        Directory.CreateDirectory(path); // a directory where the file should go: the rename fails
        var e = Assert.Throws<Que2EngageException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.Contains(path, e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
