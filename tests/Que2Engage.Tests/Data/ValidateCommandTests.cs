using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;
using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

public sealed class ValidateCommandTests : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    (int Exit, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Valid_directory_prints_a_summary_and_exits_0(string ext)
    {
        SampleData.WriteDirectory(_dir.Path, ext);
        var (exit, output, err) = Run("validate", "--data", _dir.Path);
        Assert.Equal(0, exit);
        Assert.Equal("", err);
        Assert.Contains($"products.{ext}: 4 rows", output);
        Assert.Contains($"train/impressions.{ext}: 4 rows", output);
        Assert.Contains($"eval/relevance.{ext}: 3 rows", output);
        Assert.Contains("dimension 4", output);
    }

    [Fact]
    public void Problems_are_listed_relative_to_the_directory_and_exit_2()
    {
        var rows = RawTables.ProductRows();
        rows[1]["price"] = -1.0;
        RawTables.Write(_dir.File("products.jsonl"), rows);
        var imp = RawTables.ImpressionRows();
        imp[0]["product_id"] = "ghost";
        RawTables.Write(_dir.File("train/impressions.parquet"), imp);

        var (exit, output, _) = Run("validate", "--data", _dir.Path);

        Assert.Equal(2, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("products.jsonl:2: price: must be a finite number >= 0, got -1", lines[0]);
        Assert.Equal("train/impressions.parquet:1: product_id: unknown product_id 'ghost' (not in products.jsonl)", lines[1]);
        // Impression 2 points at product b, whose row is invalid: a lenient load would drop it too, and says why.
        Assert.Equal("train/impressions.parquet:2: product_id: product_id 'b' refers to a product row skipped as invalid", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Only_the_first_20_problems_are_listed()
    {
        var rows = Enumerable.Range(0, 25).Select(i =>
        {
            var r = RawTables.ProductRows()[0];
            r["product_id"] = "p" + i;
            r["condition"] = "broken";
            return r;
        }).ToList();
        RawTables.Write(_dir.File("products.parquet"), rows);

        var (exit, output, _) = Run("validate", "--data", _dir.Path);

        Assert.Equal(2, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(21, lines.Length);
        Assert.StartsWith("products.parquet:20: condition:", lines[19]);
        Assert.Equal("… and 5 more problems", lines[20]);
    }

    [Fact]
    public void Lenient_prints_skip_counts_and_exits_0()
    {
        var rows = RawTables.ProductRows();
        rows[0]["seller_rating"] = 9.0;
        RawTables.Write(_dir.File("products.parquet"), rows);
        RawTables.Write(_dir.File("eval/relevance.parquet"), RawTables.RelevanceRows());

        var (exit, output, _) = Run("validate", "--data", _dir.Path, "--lenient");

        Assert.Equal(0, exit);
        Assert.Contains("products.parquet: 1 of 3 rows would be skipped", output);
        // Relevance row 1 rates product a, which is skipped, so a lenient load drops it as well.
        Assert.Contains("eval/relevance.parquet: 1 of 2 rows would be skipped", output);
    }

    [Fact]
    public void All_files_are_checked_even_when_one_is_unreadable()
    {
        RawTables.Write(_dir.File("products.jsonl"), RawTables.ProductRows());
        Directory.CreateDirectory(_dir.File("train"));
        File.WriteAllText(_dir.File("train/impressions.parquet"), "not parquet at all");
        var rel = RawTables.RelevanceRows();
        rel[1]["rating"] = 5;
        RawTables.Write(_dir.File("eval/relevance.jsonl"), rel);

        var result = DataValidator.Validate(_dir.Path);

        Assert.Equal(2, result.TotalProblems);
        Assert.Equal(("train/impressions.parquet", 0L), (result.Problems[0].File, result.Problems[0].Row));
        Assert.Equal(("eval/relevance.jsonl", 2L, "rating"), (result.Problems[1].File, result.Problems[1].Row, result.Problems[1].Field));
        Assert.True(result.HasFileLevelProblems);
        Assert.Equal(2, Run("validate", "--data", _dir.Path, "--lenient").Exit);
    }

    [Fact]
    public void Missing_directory_or_catalog_is_a_one_line_error()
    {
        var (exit, output, err) = Run("validate", "--data", _dir.File("absent"));
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("data directory not found", err);

        (exit, _, err) = Run("validate", "--data", _dir.Path);
        Assert.Equal(2, exit);
        Assert.Contains("no products.parquet or products.jsonl", err);
    }

    [Fact]
    public void Temp_file_of_an_interrupted_writer_is_a_problem_and_does_not_block_overwrite()
    {
        SampleData.WriteDirectory(_dir.Path, "parquet");
        var w = DataWriters.Relevance(_dir.File("eval/relevance.parquet"));
        w.Write(SampleData.Relevance()[0]);   // never disposed: a writer killed mid-way
        var leftover = Assert.Single(Directory.GetFiles(_dir.File("eval"), "relevance.parquet.tmp-*"));

        var result = DataValidator.Validate(_dir.Path);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Path.GetRelativePath(_dir.Path, leftover).Replace('\\', '/'), problem.File);
        Assert.StartsWith("leftover of an interrupted write", problem.Message);

        DataFiles.CheckReplaceable(_dir.Path, overwrite: true);   // the leftover is part of the data directory
    }
}
