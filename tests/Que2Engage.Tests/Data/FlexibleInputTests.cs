using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

/// <summary>Valid data written by other tools: other numeric widths, absent optional columns, lenient skipping.</summary>
public class FlexibleInputTests
{
    [Fact]
    public void Parquet_accepts_int64_float_and_absent_optional_columns()
    {
        using var tmp = new TempDir();
        var path = tmp.File("products.parquet");
        var rows = RawTables.ProductRows();
        foreach (var r in rows)
        {
            r["seller_rating_count"] = 5L;
            r["photo_count"] = 2L;
            r["price"] = 2.5f;
            foreach (var optional in new[] { "description", "category", "seller_rating", "distance_km", "image_embeddings" })
                r.Remove(optional);
        }
        RawTables.Write(path, rows);

        var products = DataFiles.ReadProducts(path);

        Assert.Equal(3, products.Count);
        Assert.All(products, p =>
        {
            Assert.Equal(5, p.SellerRatingCount);
            Assert.Equal(2.5, p.Price);
            Assert.Equal("", p.Description);
            Assert.Null(p.Category);
            Assert.Null(p.SellerRating);
            Assert.Null(p.DistanceKm);
            Assert.Empty(p.ImageEmbeddings);
        });
    }

    [Fact]
    public void Parquet_nulls_in_nullable_columns_read_as_null()
    {
        using var tmp = new TempDir();
        var path = tmp.File("products.parquet");
        var rows = RawTables.ProductRows();
        rows[1]["seller_rating"] = null;
        rows[1]["category"] = null;
        rows[1]["description"] = null;
        rows[2]["image_embeddings"] = null;
        RawTables.Write(path, rows);

        var p = DataFiles.ReadProducts(path);

        Assert.Null(p[1].SellerRating);
        Assert.Null(p[1].Category);
        Assert.Equal("", p[1].Description);
        Assert.Equal(4.0, p[0].SellerRating);
        Assert.Empty(p[2].ImageEmbeddings);
        Assert.Equal(new[] { 0.5f, 1f, 2f }, p[0].ImageEmbeddings[0]);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Lenient_read_skips_and_counts_bad_rows(string ext)
    {
        using var tmp = new TempDir();
        var path = tmp.File("products." + ext);
        var rows = RawTables.ProductRows();
        rows[0]["price"] = -5.0;
        rows[2]["product_id"] = "b";   // duplicate of row 2
        RawTables.Write(path, rows);
        var report = new ReadReport();

        var products = DataFiles.ReadProducts(path, ReadOptions.LenientMode, report);

        Assert.Equal(new[] { "b" }, products.Select(p => p.ProductId));
        Assert.Equal(2, report.SkippedRows);
        Assert.Equal(2, report.ProblemCount);
        Assert.Equal(new long[] { 1, 3 }, report.Problems.Select(p => p.Row));
        Assert.Equal(new[] { "price", "product_id" }, report.Problems.Select(p => p.Field));
        Assert.Equal(2, report.SkippedRowsByFile[path]);
        Assert.Equal(3, report.RowsCheckedByFile[path]);
        Assert.Equal($"{path}:1: price: must be a finite number >= 0, got -5", report.Problems[0].ToString());
    }

    [Fact]
    public void Lenient_load_skips_rows_pointing_at_unknown_products()
    {
        using var tmp = new TempDir();
        RawTables.Write(tmp.File("products.jsonl"), RawTables.ProductRows());
        var rows = RawTables.RelevanceRows();
        rows.Add(new() { ["query"] = "q", ["product_id"] = "ghost", ["rating"] = 1 });
        RawTables.Write(tmp.File("eval/relevance.jsonl"), rows);

        var ds = MarketplaceDataset.Load(tmp.Path, ReadOptions.LenientMode);

        Assert.Equal(2, ds.Relevance.Count);
        Assert.Equal(1, ds.Report.SkippedRows);
        Assert.Equal(3, ds.Report.Problems.Single().Row);
    }

    [Fact]
    public void Lenient_mode_still_fails_on_a_missing_column()
    {
        using var tmp = new TempDir();
        var path = tmp.File("products.parquet");
        var rows = RawTables.ProductRows();
        foreach (var r in rows) r.Remove("language");
        RawTables.Write(path, rows);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(path, ReadOptions.LenientMode));
        Assert.Equal("language", e.Field);
    }
}
