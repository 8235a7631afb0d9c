namespace Que2Engage.Data;

internal enum ColumnKind { String, Double, Integer, Bool, Vectors }

internal sealed record ColumnSpec(string Name, ColumnKind Kind, bool Required);

/// <summary>The columns each table may hold; readers use it to check a Parquet schema before reading rows.</summary>
internal sealed record TableSpec(string Name, IReadOnlyList<ColumnSpec> Columns)
{
    public static readonly TableSpec Products = new("products",
    [
        new(ProductColumns.ProductId, ColumnKind.String, true),
        new(ProductColumns.Title, ColumnKind.String, true),
        new(ProductColumns.Description, ColumnKind.String, false),
        new(ProductColumns.Category, ColumnKind.String, false),
        new(ProductColumns.Language, ColumnKind.String, true),
        new(ProductColumns.Price, ColumnKind.Double, true),
        new(ProductColumns.Condition, ColumnKind.String, true),
        new(ProductColumns.SellerRating, ColumnKind.Double, false),
        new(ProductColumns.SellerRatingCount, ColumnKind.Integer, true),
        new(ProductColumns.PhotoCount, ColumnKind.Integer, true),
        new(ProductColumns.ListingAgeDays, ColumnKind.Double, true),
        new(ProductColumns.DistanceKm, ColumnKind.Double, false),
        new(ProductColumns.ImageEmbeddings, ColumnKind.Vectors, false),
    ]);

    public static readonly TableSpec Impressions = new("impressions",
    [
        new(ImpressionColumns.SessionId, ColumnKind.String, true),
        new(ImpressionColumns.Query, ColumnKind.String, true),
        new(ImpressionColumns.ProductId, ColumnKind.String, true),
        new(ImpressionColumns.Position, ColumnKind.Integer, true),
        new(ImpressionColumns.Engaged, ColumnKind.Bool, true),
    ]);

    public static readonly TableSpec Relevance = new("relevance",
    [
        new(RelevanceColumns.Query, ColumnKind.String, true),
        new(RelevanceColumns.ProductId, ColumnKind.String, true),
        new(RelevanceColumns.Rating, ColumnKind.Integer, true),
    ]);
}
