using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

public class RoundTripTests
{
    [Theory]
    [InlineData("parquet", 4)]
    [InlineData("jsonl", 4)]
    [InlineData("parquet", 1)]
    [InlineData("jsonl", 257)]
    public void Products_round_trip_exactly(string ext, int dim)
    {
        using var tmp = new TempDir();
        var path = tmp.File("products." + ext);
        var expected = SampleData.Products(dim);
        SampleData.Write(DataWriters.Products(path), expected);

        var actual = DataFiles.ReadProducts(path);

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) SampleData.AssertSame(expected[i], actual[i]);
        Assert.Null(actual[1].Category);
        Assert.Null(actual[1].SellerRating);
        Assert.Empty(actual[1].ImageEmbeddings);
        Assert.Equal(3, actual[3].ImageEmbeddings.Length);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Impressions_and_relevance_round_trip(string ext)
    {
        using var tmp = new TempDir();
        var imp = tmp.File("train/impressions." + ext);
        var rel = tmp.File("eval/relevance." + ext);
        SampleData.Write(DataWriters.Impressions(imp), SampleData.Impressions());
        SampleData.Write(DataWriters.Relevance(rel), SampleData.Relevance());

        Assert.Equal(SampleData.Impressions(), DataFiles.ReadImpressions(imp));
        Assert.Equal(SampleData.Relevance(), DataFiles.ReadRelevance(rel));
    }

    [Fact]
    public void Parquet_spans_several_row_groups()
    {
        using var tmp = new TempDir();
        var path = tmp.File("train/impressions.parquet");
        int n = TableWriterRowGroup + 17;
        using (var w = DataWriters.Impressions(path))
            for (int i = 0; i < n; i++) w.Write(new Impression("s" + i / 10, "q" + i % 7, "p" + i, i % 10 + 1, i % 3 == 0));

        var rows = DataFiles.ReadImpressions(path);

        Assert.Equal(n, rows.Count);
        Assert.Equal(new Impression("s5000", "q" + 50_000 % 7, "p50000", 1, 50_000 % 3 == 0), rows[50_000]);
        Assert.Equal("p" + (n - 1), rows[^1].ProductId);
    }

    const int TableWriterRowGroup = 50_000;

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Same_rows_give_identical_bytes(string ext)
    {
        using var tmp = new TempDir();
        SampleData.Write(DataWriters.Products(tmp.File("a." + ext)), SampleData.Products());
        SampleData.Write(DataWriters.Products(tmp.File("b." + ext)), SampleData.Products());
        Assert.Equal(File.ReadAllBytes(tmp.File("a." + ext)), File.ReadAllBytes(tmp.File("b." + ext)));
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Dataset_loads_a_whole_directory(string ext)
    {
        using var tmp = new TempDir();
        SampleData.WriteDirectory(tmp.Path, ext);

        var ds = MarketplaceDataset.Load(tmp.Path);

        Assert.Equal(4, ds.Products.Count);
        Assert.Equal(4, ds.TrainImpressions.Count);
        Assert.Equal(2, ds.EvalImpressions.Count);
        Assert.Equal(3, ds.Relevance.Count);
        Assert.Equal(4, ds.ImageDimension);
        Assert.Equal("sofa", ds.ProductsById["p2"].Title);
        Assert.False(ds.Report.HasProblems);
        Assert.Equal(4, ds.Report.RowsCheckedByFile[tmp.File("products." + ext)]);
    }

    [Fact]
    public void Dataset_with_only_a_catalog_has_empty_logs()
    {
        using var tmp = new TempDir();
        SampleData.Write(DataWriters.Products(tmp.File("products.jsonl")), SampleData.Products());
        var ds = MarketplaceDataset.Load(tmp.Path);
        Assert.Equal(4, ds.Products.Count);
        Assert.Empty(ds.TrainImpressions);
        Assert.Empty(ds.EvalImpressions);
        Assert.Empty(ds.Relevance);
    }
}
