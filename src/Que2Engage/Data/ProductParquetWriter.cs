using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>products.parquet: flat columns plus image_embeddings as list&lt;list&lt;float&gt;&gt;.</summary>
internal sealed class ProductParquetWriter : ParquetTableWriter<Product>
{
    /// <summary>Flush early once this many embedding floats are buffered (~64 MB), whatever the row count.</summary>
    const long MaxBufferedFloats = 16_000_000;

    static readonly DataField<string> Id = new(ProductColumns.ProductId);
    static readonly DataField<string> Title = new(ProductColumns.Title);
    static readonly DataField<string> Description = new(ProductColumns.Description);
    static readonly DataField<string> Category = new(ProductColumns.Category);
    static readonly DataField<string> Language = new(ProductColumns.Language);
    static readonly DataField<double> Price = new(ProductColumns.Price);
    static readonly DataField<string> ConditionField = new(ProductColumns.Condition);
    static readonly DataField<double?> SellerRating = new(ProductColumns.SellerRating);
    static readonly DataField<int> SellerRatingCount = new(ProductColumns.SellerRatingCount);
    static readonly DataField<int> PhotoCount = new(ProductColumns.PhotoCount);
    static readonly DataField<double> ListingAgeDays = new(ProductColumns.ListingAgeDays);
    static readonly DataField<double?> DistanceKm = new(ProductColumns.DistanceKm);
    static readonly DataField<float> EmbeddingElement = new("element");
    static readonly ListField Embeddings = new(ProductColumns.ImageEmbeddings, new ListField("element", EmbeddingElement));

    static readonly ParquetSchema Schema = new(Id, Title, Description, Category, Language, Price, ConditionField,
        SellerRating, SellerRatingCount, PhotoCount, ListingAgeDays, DistanceKm, Embeddings);

    /// <summary>Definition levels of the leaf (outer list optional, inner list optional, element required).</summary>
    const int DefEmptyOuter = 1, DefValue = 4;

    long _bufferedFloats;

    public ProductParquetWriter(string path) : base(path, RowRules.Check, Schema) { }

    protected override bool BufferIsHeavy => _bufferedFloats >= MaxBufferedFloats;

    protected override void Append(Product row)
    {
        foreach (var v in row.ImageEmbeddings) _bufferedFloats += v.Length;
        base.Append(row);
    }

    protected override void OnFlushed() => _bufferedFloats = 0;

    protected override async Task WriteColumnsAsync(ParquetRowGroupWriter rg, List<Product> rows)
    {
        await rg.WriteAsync(Id, Strings(rows, p => p.ProductId));
        await rg.WriteAsync(Title, Strings(rows, p => p.Title));
        await rg.WriteAsync(Description, Strings(rows, p => p.Description));
        await rg.WriteAsync(Category, Strings(rows, p => p.Category));
        await rg.WriteAsync(Language, Strings(rows, p => p.Language));
        await rg.WriteAsync<double>(Price, Values(rows, p => p.Price).AsMemory());
        await rg.WriteAsync(ConditionField, Strings(rows, p => p.Condition.ToWire()));
        await rg.WriteAsync<double>(SellerRating, Values(rows, p => p.SellerRating).AsMemory());
        await rg.WriteAsync<int>(SellerRatingCount, Values(rows, p => p.SellerRatingCount).AsMemory());
        await rg.WriteAsync<int>(PhotoCount, Values(rows, p => p.PhotoCount).AsMemory());
        await rg.WriteAsync<double>(ListingAgeDays, Values(rows, p => p.ListingAgeDays).AsMemory());
        await rg.WriteAsync<double>(DistanceKm, Values(rows, p => p.DistanceKm).AsMemory());
        await WriteEmbeddingsAsync(rg, rows);
    }

    /// <summary>
    /// Dremel-encodes list&lt;list&lt;float&gt;&gt; by hand: repetition level 0 starts a row, 1 a new vector in the
    /// same row, 2 the next element of the same vector; a row without images is one level entry at definition 1.
    /// </summary>
    static Task WriteEmbeddingsAsync(ParquetRowGroupWriter rg, List<Product> rows)
    {
        int values = 0, levels = 0;
        foreach (var p in rows)
        {
            int n = 0;
            foreach (var v in p.ImageEmbeddings) n += v.Length;
            values += n;
            levels += Math.Max(n, 1);
        }
        var data = new float[values];
        var defs = new int[levels];
        var reps = new int[levels];
        int vi = 0, li = 0;
        foreach (var p in rows)
        {
            if (p.ImageEmbeddings.Length == 0)
            {
                defs[li] = DefEmptyOuter; reps[li] = 0; li++;
                continue;
            }
            for (int k = 0; k < p.ImageEmbeddings.Length; k++)
            {
                var v = p.ImageEmbeddings[k];
                for (int j = 0; j < v.Length; j++)
                {
                    defs[li] = DefValue;
                    reps[li] = j > 0 ? 2 : k > 0 ? 1 : 0;
                    li++;
                    data[vi++] = v[j];
                }
            }
        }
        return rg.WriteAllPartsAsync<float>(EmbeddingElement, data, defs, reps, CancellationToken.None);
    }
}
