using Parquet;
using Parquet.Schema;
using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

/// <summary>
/// Data/Fixtures/old-writer holds <see cref="SampleData.WriteDirectory"/> as written by the hand-written table writers
/// that the serializer-based ones replaced: such files must still load, and today's writers must produce the same
/// Parquet schema (names, nesting, nullability) and the same JSONL bytes.
/// </summary>
public class OldWriterFileTests
{
    static string Fixture(string ext) => Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", "old-writer", ext);

    static readonly string[] Tables = ["products", "train/impressions", "eval/impressions", "eval/relevance"];

    [Theory]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    public void Files_of_the_old_writers_still_load(string ext)
    {
        var data = MarketplaceDataset.Load(Fixture(ext));

        var expected = SampleData.Products();
        Assert.Equal(expected.Count, data.Products.Count);
        for (int i = 0; i < expected.Count; i++) SampleData.AssertSame(expected[i], data.Products[i]);
        Assert.Equal(SampleData.Impressions(), data.TrainImpressions);
        Assert.Equal(SampleData.Impressions().Take(2), data.EvalImpressions);
        Assert.Equal(SampleData.Relevance(), data.Relevance);
        Assert.Equal(4, data.ImageDimension);
    }

    [Fact]
    public async Task Parquet_writers_write_the_old_schema()
    {
        using var tmp = new TempDir();
        SampleData.WriteDirectory(tmp.Path, "parquet");
        foreach (var table in Tables)
            Assert.Equal(await Schema(Path.Combine(Fixture("parquet"), table + ".parquet")), await Schema(tmp.File(table + ".parquet")));
    }

    [Fact]
    public void Jsonl_writers_write_the_old_bytes()
    {
        using var tmp = new TempDir();
        SampleData.WriteDirectory(tmp.Path, "jsonl");
        foreach (var table in Tables)
            Assert.Equal(File.ReadAllText(Path.Combine(Fixture("jsonl"), table + ".jsonl")), File.ReadAllText(tmp.File(table + ".jsonl")));
    }

    /// <summary>Every field with its physical type, nullability and repetition, depth first.</summary>
    static async Task<List<string>> Schema(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var lines = new List<string>();
        void Walk(Field f, string indent)
        {
            lines.Add(f switch
            {
                DataField d => $"{indent}{d.Name}: {d.ClrType.Name} nullable={d.IsNullable} def={d.MaxDefinitionLevel} rep={d.MaxRepetitionLevel}",
                ListField l => $"{indent}{l.Name}: list nullable={l.IsNullable}",
                _ => $"{indent}{f.Name}: {f.SchemaType}",
            });
            if (f is ListField list) Walk(list.Item, indent + "  ");
        }
        foreach (var f in reader.Schema.Fields) Walk(f, "");
        return lines;
    }
}
