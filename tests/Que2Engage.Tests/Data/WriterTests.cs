using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

public class WriterTests
{
    /// <summary>The writer's temporary files for <paramref name="path"/>: unique names next to it, "&lt;name&gt;.tmp-…".</summary>
    static string[] TempFiles(string path) =>
        Directory.Exists(Path.GetDirectoryName(path)) ? Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".tmp*") : [];

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void File_appears_only_on_dispose(string ext)
    {
        using var tmp = new TempDir();
        var path = tmp.File("deep/nested/products." + ext);
        var w = DataWriters.Products(path);
        foreach (var p in SampleData.Products()) w.Write(p);
        Assert.False(File.Exists(path));
        Assert.Single(TempFiles(path));
        Assert.Equal(4, w.RowsWritten);
        w.Dispose();
        Assert.True(File.Exists(path));
        Assert.Empty(TempFiles(path));
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Exception_inside_using_leaves_no_file(string ext)
    {
        using var tmp = new TempDir();
        var path = tmp.File("products." + ext);
        void CrashWhileWriting()
        {
            using var w = DataWriters.Products(path);
            w.Write(SampleData.Products()[0]);
            throw new InvalidOperationException("simulator crashed");
        }
        Assert.Throws<InvalidOperationException>(CrashWhileWriting);
        Assert.False(File.Exists(path));
        Assert.Empty(TempFiles(path));
    }

    [Fact]
    public void Failed_write_does_not_replace_the_previous_file()
    {
        using var tmp = new TempDir();
        var path = tmp.File("products.parquet");
        SampleData.Write(DataWriters.Products(path), SampleData.Products());
        var before = File.ReadAllBytes(path);

        var w = DataWriters.Products(path);
        var e = Assert.Throws<InvalidInputException>(() => w.Write(SampleData.Products()[0] with { Price = double.NaN }));
        w.Dispose();

        Assert.Contains("price", e.Message);
        Assert.Contains(":1:", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("products.csv")]
    [InlineData("products")]
    public void Unknown_extension_is_refused(string name)
    {
        var e = Assert.Throws<InvalidInputException>(() => DataWriters.Products(name));
        Assert.Contains(".parquet or .jsonl", e.Message);
    }

    [Fact]
    public void Writers_refuse_invalid_rows()
    {
        using var tmp = new TempDir();
        using var w = DataWriters.Products(tmp.File("x.jsonl"));
        var ragged = SampleData.Products()[0] with { ImageEmbeddings = [[1f, 2f], [1f]] };
        var e = Assert.Throws<InvalidInputException>(() => w.Write(ragged));
        Assert.Contains("image_embeddings", e.Message);
    }
}
