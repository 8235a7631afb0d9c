namespace Que2Engage.Data;

/// <summary>On-disk column names (DESIGN §2), identical in Parquet and JSONL.</summary>
public static class ProductColumns
{
    public const string ProductId = "product_id";
    public const string Title = "title";
    public const string Description = "description";
    public const string Category = "category";
    public const string Language = "language";
    public const string Price = "price";
    public const string Condition = "condition";
    public const string SellerRating = "seller_rating";
    public const string SellerRatingCount = "seller_rating_count";
    public const string PhotoCount = "photo_count";
    public const string ListingAgeDays = "listing_age_days";
    public const string DistanceKm = "distance_km";
    public const string ImageEmbeddings = "image_embeddings";
}

/// <summary>Column names of train/impressions and eval/impressions.</summary>
public static class ImpressionColumns
{
    public const string SessionId = "session_id";
    public const string Query = "query";
    public const string ProductId = "product_id";
    public const string Position = "position";
    public const string Engaged = "engaged";
}

/// <summary>Column names of eval/relevance.</summary>
public static class RelevanceColumns
{
    public const string Query = "query";
    public const string ProductId = "product_id";
    public const string Rating = "rating";
}
