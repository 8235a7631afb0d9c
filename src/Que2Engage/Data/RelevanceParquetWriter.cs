using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>eval/relevance.parquet.</summary>
internal sealed class RelevanceParquetWriter : ParquetTableWriter<RelevanceJudgment>
{
    static readonly DataField<string> Query = new(RelevanceColumns.Query);
    static readonly DataField<string> ProductId = new(RelevanceColumns.ProductId);
    static readonly DataField<int> Rating = new(RelevanceColumns.Rating);
    static readonly ParquetSchema Schema = new(Query, ProductId, Rating);

    public RelevanceParquetWriter(string path) : base(path, RowRules.Check, Schema) { }

    protected override async Task WriteColumnsAsync(ParquetRowGroupWriter rg, List<RelevanceJudgment> rows)
    {
        await rg.WriteAsync(Query, Strings(rows, r => r.Query));
        await rg.WriteAsync(ProductId, Strings(rows, r => r.ProductId));
        await rg.WriteAsync<int>(Rating, Values(rows, r => r.Rating).AsMemory());
    }
}
