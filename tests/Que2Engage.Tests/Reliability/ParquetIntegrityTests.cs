using Que2Engage.Data;
using Que2Engage.Simulation;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 item 6: a damaged Parquet table is refused, naming the file and row group.</summary>
public sealed class ParquetIntegrityTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public void FlippedBytesInProductsParquetAreReportedByFileAndRowGroup()
    {
        string dir = _s["world"];
        MarketplaceGenerator.Generate(new WorldSettings { Products = 60, Queries = 20, Sessions = 30, Seed = 3 }, dir);
        Assert.True(DataValidator.Validate(dir).IsValid);
        string products = Path.Combine(dir, "products.parquet");
        Faults.FlipBytes(products, 64);

        var run = Faults.Cli("validate", "--data", dir);
        Assert.Equal(2, run.Code);
        Assert.Contains("products.parquet: row group 0 (rows 1–60) is damaged", run.Out);
        var e = Assert.Throws<DataFormatException>(() => MarketplaceDataset.Load(dir));
        Assert.Contains("row group 0", e.Message);
    }

    [Fact]
    public async Task EveryRowGroupIsCheckedSeparately()
    {
        const int groupRows = 50_000;   // TableWriter.RowGroupRows
        string path = _s["imp.parquet"];
        using (var w = DataWriters.Impressions(path))
            for (int i = 0; i < groupRows + 10; i++)
                w.Write(new Impression($"s{i}", "q", "p", 1, i % 2 == 0));
        Assert.Equal(groupRows + 10, DataFiles.ReadImpressions(path).Count);

        string recorded;
        await using (var reader = await Parquet.ParquetReader.CreateAsync(path))
            recorded = reader.CustomMetadata["que2engage.row_group_xxh64"];
        var second = recorded.Split(';')[1].Split(':').Select(long.Parse).Take(2).ToArray();   // offset, length
        var bytes = File.ReadAllBytes(path);
        bytes[second[0] + second[1] / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => DataFiles.ReadImpressions(path));
        Assert.Contains($"row group 1 (rows {groupRows + 1}–{groupRows + 10}) is damaged", e.Message);
    }
}
