using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

/// <summary>Every class of bad input gives a DataFormatException naming file, row and field (strict).</summary>
public class BadInputTests
{
    static DataFormatException ReadBadProducts(string ext, Action<List<Dictionary<string, object?>>> spoil, out string path)
    {
        var tmp = new TempDir();
        path = tmp.File("products." + ext);
        var rows = RawTables.ProductRows();
        spoil(rows);
        RawTables.Write(path, rows);
        var p = path;
        return Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(p));
    }

    static void AssertProblem(DataFormatException e, string path, long? row, string field, string fragment)
    {
        Assert.Equal(path, e.File);
        Assert.Equal(row, e.Row);
        Assert.Equal(field, e.Field);
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Theory]
    [InlineData("parquet", "price", -1.0, ">= 0")]
    [InlineData("jsonl", "price", -1.0, ">= 0")]
    [InlineData("parquet", "seller_rating", 7.0, "between 0 and 5")]
    [InlineData("jsonl", "seller_rating", 7.0, "between 0 and 5")]
    [InlineData("parquet", "distance_km", -3.0, ">= 0")]
    [InlineData("jsonl", "listing_age_days", -0.5, ">= 0")]
    [InlineData("parquet", "condition", "broken", "'broken' is not one of")]
    [InlineData("jsonl", "condition", "broken", "'broken' is not one of")]
    [InlineData("parquet", "price", double.NaN, "finite")]
    [InlineData("parquet", "listing_age_days", double.PositiveInfinity, "finite")]
    [InlineData("parquet", "seller_rating_count", -2, ">= 0")]
    [InlineData("jsonl", "photo_count", -1, ">= 0")]
    [InlineData("parquet", "title", null, "missing or null")]
    [InlineData("jsonl", "product_id", "", "non-empty")]
    public void Out_of_range_values_name_row_and_field(string ext, string field, object? value, string fragment)
    {
        var e = ReadBadProducts(ext, rows => rows[1][field] = value, out var path);
        AssertProblem(e, path, 2, field, fragment);
    }

    [Fact]
    public void Jsonl_string_where_a_number_belongs()
    {
        var e = ReadBadProducts("jsonl", rows => rows[2]["price"] = "12", out var path);
        AssertProblem(e, path, 3, "price", "expected a number, found string \"12\"");
    }

    [Fact]
    public void Jsonl_fraction_where_an_integer_belongs()
    {
        var e = ReadBadProducts("jsonl", rows => rows[0]["photo_count"] = 1.5, out var path);
        AssertProblem(e, path, 1, "photo_count", "expected an integer, found 1.5");
    }

    [Fact]
    public void Parquet_column_of_the_wrong_type_is_a_file_error()
    {
        var e = ReadBadProducts("parquet", rows => { foreach (var r in rows) r["price"] = "12"; }, out var path);
        AssertProblem(e, path, null, "price", "expected number values, found String column");
    }

    [Theory]
    [InlineData("parquet", null, "required column is missing")]
    [InlineData("jsonl", 1L, "required value is missing")]
    public void Missing_required_column(string ext, long? row, string fragment)
    {
        var e = ReadBadProducts(ext, rows => { foreach (var r in rows) r.Remove("title"); }, out var path);
        AssertProblem(e, path, row, "title", fragment);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Duplicate_product_id(string ext)
    {
        var e = ReadBadProducts(ext, rows => rows[2]["product_id"] = "a", out var path);
        AssertProblem(e, path, 3, "product_id", "duplicate product_id 'a' (first at row 1)");
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Mixed_image_dimensions_flag_the_odd_row(string ext)
    {
        // Rows 2 and 3 have dimension 3, so the majority is 3 and row 1 (dimension 2) is the odd one out.
        var e = ReadBadProducts(ext, rows =>
        {
            rows[0]["image_embeddings"] = new[] { new[] { 1f, 2f } };
            rows[1]["image_embeddings"] = new[] { new[] { 1f, 2f, 3f } };
        }, out var path);
        AssertProblem(e, path, 1, "image_embeddings", "image dimension 2 differs from the catalog's 3");
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Ragged_vectors_within_a_row(string ext)
    {
        var e = ReadBadProducts(ext, rows => rows[2]["image_embeddings"] = new[] { new[] { 1f, 2f, 3f }, new[] { 1f } }, out var path);
        AssertProblem(e, path, 3, "image_embeddings", "image 1 has dimension 1");
    }

    [Fact]
    public void NaN_inside_an_image_vector()
    {
        var e = ReadBadProducts("parquet", rows => rows[1]["image_embeddings"] = new[] { new[] { 1f, float.NaN, 3f } }, out var path);
        AssertProblem(e, path, 2, "image_embeddings", "image 0 element 1 is NaN");
    }

    [Fact]
    public void Empty_vector_inside_a_row()
    {
        var e = ReadBadProducts("parquet", rows => rows[1]["image_embeddings"] = new[] { Array.Empty<float>() }, out var path);
        AssertProblem(e, path, 2, "image_embeddings", "empty");
    }

    [Fact]
    public void Bad_json_line_names_the_line()
    {
        using var tmp = new TempDir();
        var path = tmp.File("products.jsonl");
        RawTables.Write(path, RawTables.ProductRows());
        File.AppendAllText(path, "\n{\"product_id\": \"d\", oops\n");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(path));
        Assert.Equal(path, e.File);
        Assert.Equal(5, e.Row);          // line 4 is blank and ignored
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Json_line_that_is_not_an_object()
    {
        using var tmp = new TempDir();
        var path = tmp.File("eval/relevance.jsonl");
        File.WriteAllText(Directory.CreateDirectory(Path.GetDirectoryName(path)!).FullName + "/relevance.jsonl", "[1,2]\n");
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadRelevance(path));
        Assert.Equal(1, e.Row);
        Assert.Contains("expected a JSON object, found array", e.Message);
    }

    [Fact]
    public void Truncated_parquet_names_the_file()
    {
        using var tmp = new TempDir();
        var good = tmp.File("good.parquet");
        SampleData.Write(DataWriters.Products(good), SampleData.Products());
        var bytes = File.ReadAllBytes(good);
        foreach (var keep in new[] { bytes.Length / 2, bytes.Length - 9, 3 })
        {
            var path = tmp.File($"products{keep}.parquet");
            File.WriteAllBytes(path, bytes[..keep]);
            var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(path));
            Assert.Equal(path, e.File);
            Assert.Null(e.Row);
        }
    }

    [Theory]
    [InlineData("products.parquet")]
    [InlineData("products.jsonl")]
    public void Garbage_file_names_the_file(string name)
    {
        using var tmp = new TempDir();
        var path = tmp.File(name);
        File.WriteAllBytes(path, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadProducts(path));
        Assert.Equal(path, e.File);
        if (name.EndsWith(".parquet")) Assert.Contains("not a readable Parquet file", e.Message);
        else Assert.Equal(1, e.Row);
    }

    [Theory]
    [InlineData("parquet", "position", 0, "must be >= 1")]
    [InlineData("jsonl", "position", 0, "must be >= 1")]
    [InlineData("jsonl", "engaged", "yes", "expected true or false, found string \"yes\"")]
    [InlineData("parquet", "query", "  ", "non-empty")]
    public void Bad_impressions(string ext, string field, object value, string fragment)
    {
        using var tmp = new TempDir();
        var path = tmp.File("train/impressions." + ext);
        var rows = RawTables.ImpressionRows();
        rows[1][field] = value;
        RawTables.Write(path, rows);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadImpressions(path));
        AssertProblem(e, path, 2, field, fragment);
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Relevance_rating_outside_0_to_2(string ext)
    {
        using var tmp = new TempDir();
        var path = tmp.File("eval/relevance." + ext);
        var rows = RawTables.RelevanceRows();
        rows[0]["rating"] = 3;
        RawTables.Write(path, rows);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadRelevance(path));
        AssertProblem(e, path, 1, "rating", "must be 0, 1 or 2, got 3");
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Unknown_product_in_impressions(string ext)
    {
        using var tmp = new TempDir();
        RawTables.Write(tmp.File("products." + ext), RawTables.ProductRows());
        var rows = RawTables.ImpressionRows();
        rows[1]["product_id"] = "zzz";
        var path = tmp.File("eval/impressions." + ext);
        RawTables.Write(path, rows);
        var e = Assert.Throws<DataFormatException>(() => MarketplaceDataset.Load(tmp.Path));
        AssertProblem(e, path, 2, "product_id", "unknown product_id 'zzz'");
    }

    [Fact]
    public void Both_formats_for_one_table_is_an_error()
    {
        using var tmp = new TempDir();
        RawTables.Write(tmp.File("products.jsonl"), RawTables.ProductRows());
        RawTables.Write(tmp.File("products.parquet"), RawTables.ProductRows());
        var e = Assert.Throws<InvalidInputException>(() => MarketplaceDataset.Load(tmp.Path));
        Assert.Contains("both products.parquet and products.jsonl", e.Message);
    }

    [Fact]
    public void Missing_directory_and_missing_catalog()
    {
        using var tmp = new TempDir();
        Assert.Contains("data directory not found", Assert.Throws<InvalidInputException>(() => MarketplaceDataset.Load(tmp.File("nope"))).Message);
        Assert.Contains("no products.parquet or products.jsonl", Assert.Throws<InvalidInputException>(() => MarketplaceDataset.Load(tmp.Path)).Message);
    }
}
