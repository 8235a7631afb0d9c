using System.Text.Json.Serialization;
using Que2Engage.Data;

namespace Que2Engage.Retrieval;

/// <summary>What a results page shows about a product: everything in <see cref="Product"/> except the image vectors.</summary>
public sealed record CatalogEntry
{
    [JsonPropertyName("product_id")] public required string ProductId { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("category")] public string? Category { get; init; }
    [JsonPropertyName("language")] public string Language { get; init; } = "";
    [JsonPropertyName("price")] public double Price { get; init; }
    [JsonPropertyName("condition")] public string Condition { get; init; } = "unknown";
    [JsonPropertyName("seller_rating")] public double? SellerRating { get; init; }
    [JsonPropertyName("seller_rating_count")] public int SellerRatingCount { get; init; }
    [JsonPropertyName("photo_count")] public int PhotoCount { get; init; }
    [JsonPropertyName("listing_age_days")] public double ListingAgeDays { get; init; }
    [JsonPropertyName("distance_km")] public double? DistanceKm { get; init; }

    public static CatalogEntry From(Product p) => new()
    {
        ProductId = p.ProductId,
        Title = p.Title,
        Description = p.Description ?? "",
        Category = p.Category,
        Language = p.Language,
        Price = p.Price,
        Condition = p.Condition.ToWire(),
        SellerRating = p.SellerRating,
        SellerRatingCount = p.SellerRatingCount,
        PhotoCount = p.PhotoCount,
        ListingAgeDays = p.ListingAgeDays,
        DistanceKm = p.DistanceKm,
    };
}
