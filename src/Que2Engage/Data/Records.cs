using System.Text.Json.Serialization;

namespace Que2Engage.Data;

/// <summary>Listing condition (DESIGN §2). Serialized as new | like_new | good | fair | unknown.</summary>
public enum Condition { New, LikeNew, Good, Fair, Unknown }

public static class ConditionNames
{
    public static string ToWire(this Condition c) => c switch
    {
        Condition.New => "new",
        Condition.LikeNew => "like_new",
        Condition.Good => "good",
        Condition.Fair => "fair",
        _ => "unknown",
    };

    public static bool TryParse(string? s, out Condition c)
    {
        switch (s?.Trim().ToLowerInvariant())
        {
            case "new": c = Condition.New; return true;
            case "like_new": c = Condition.LikeNew; return true;
            case "good": c = Condition.Good; return true;
            case "fair": c = Condition.Fair; return true;
            case "unknown": c = Condition.Unknown; return true;
            default: c = Condition.Unknown; return false;
        }
    }
}

/// <summary>
/// One catalog listing: a row of products.parquet / products.jsonl. The attributes name the on-disk columns, in
/// order, for both ParquetSerializer and System.Text.Json (the writers); the readers check and widen values by hand
/// (see <see cref="RowRules"/> and DataFiles).
/// </summary>
public sealed record Product
{
    [JsonPropertyName(ProductColumns.ProductId)] public required string ProductId { get; init; }
    [JsonPropertyName(ProductColumns.Title)] public required string Title { get; init; }
    /// <summary>Never null after reading (a null/missing description is read as "").</summary>
    [JsonPropertyName(ProductColumns.Description)] public string Description { get; init; } = "";
    [JsonPropertyName(ProductColumns.Category)] public string? Category { get; init; }
    [JsonPropertyName(ProductColumns.Language)] public string Language { get; init; } = "";
    [JsonPropertyName(ProductColumns.Price)] public double Price { get; init; }
    [JsonIgnore] public Condition Condition { get; init; } = Condition.Unknown;
    /// <summary>The condition as stored: new | like_new | good | fair | unknown (a string column, not the enum's number).</summary>
    [JsonPropertyName(ProductColumns.Condition)] public string ConditionName => Condition.ToWire();
    /// <summary>0–5, null when the seller has no rating.</summary>
    [JsonPropertyName(ProductColumns.SellerRating)] public double? SellerRating { get; init; }
    [JsonPropertyName(ProductColumns.SellerRatingCount)] public int SellerRatingCount { get; init; }
    [JsonPropertyName(ProductColumns.PhotoCount)] public int PhotoCount { get; init; }
    [JsonPropertyName(ProductColumns.ListingAgeDays)] public double ListingAgeDays { get; init; }
    /// <summary>Null when the distance is unknown.</summary>
    [JsonPropertyName(ProductColumns.DistanceKm)] public double? DistanceKm { get; init; }
    /// <summary>Zero or more image vectors, all of one dimension; empty = missing image modality.</summary>
    [JsonPropertyName(ProductColumns.ImageEmbeddings)] public float[][] ImageEmbeddings { get; init; } = [];
}

/// <summary>One shown (query, product) pair of a search session. Engaged rows are positives; shown-not-engaged are hard negatives.</summary>
public sealed record Impression(
    [property: JsonPropertyName(ImpressionColumns.SessionId)] string SessionId,
    [property: JsonPropertyName(ImpressionColumns.Query)] string Query,
    [property: JsonPropertyName(ImpressionColumns.ProductId)] string ProductId,
    [property: JsonPropertyName(ImpressionColumns.Position)] int Position,
    [property: JsonPropertyName(ImpressionColumns.Engaged)] bool Engaged);

/// <summary>A human-style semantic relevance rating: 0 irrelevant, 1 partial, 2 exact.</summary>
public sealed record RelevanceJudgment(
    [property: JsonPropertyName(RelevanceColumns.Query)] string Query,
    [property: JsonPropertyName(RelevanceColumns.ProductId)] string ProductId,
    [property: JsonPropertyName(RelevanceColumns.Rating)] int Rating);
