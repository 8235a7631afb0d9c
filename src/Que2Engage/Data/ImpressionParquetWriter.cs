using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>train/impressions.parquet and eval/impressions.parquet.</summary>
internal sealed class ImpressionParquetWriter : ParquetTableWriter<Impression>
{
    static readonly DataField<string> SessionId = new(ImpressionColumns.SessionId);
    static readonly DataField<string> Query = new(ImpressionColumns.Query);
    static readonly DataField<string> ProductId = new(ImpressionColumns.ProductId);
    static readonly DataField<int> Position = new(ImpressionColumns.Position);
    static readonly DataField<bool> Engaged = new(ImpressionColumns.Engaged);
    static readonly ParquetSchema Schema = new(SessionId, Query, ProductId, Position, Engaged);

    public ImpressionParquetWriter(string path) : base(path, RowRules.Check, Schema) { }

    protected override async Task WriteColumnsAsync(ParquetRowGroupWriter rg, List<Impression> rows)
    {
        await rg.WriteAsync(SessionId, Strings(rows, r => r.SessionId));
        await rg.WriteAsync(Query, Strings(rows, r => r.Query));
        await rg.WriteAsync(ProductId, Strings(rows, r => r.ProductId));
        await rg.WriteAsync<int>(Position, Values(rows, r => r.Position).AsMemory());
        await rg.WriteAsync<bool>(Engaged, Values(rows, r => r.Engaged).AsMemory());
    }
}
