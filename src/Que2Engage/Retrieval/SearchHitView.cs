using System.Text.Json.Serialization;

namespace Que2Engage.Retrieval;

/// <summary>The JSON shape of one search result, shared by the CLI's JSON output and the HTTP API.</summary>
public sealed record SearchHitView(
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("product_id")] string ProductId,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("price")] double Price,
    [property: JsonPropertyName("condition")] string Condition,
    [property: JsonPropertyName("seller_rating")] double? SellerRating,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("sources")] string[] Sources,
    [property: JsonPropertyName("ebr_score")] float? EbrScore,
    [property: JsonPropertyName("ebr_rank")] int? EbrRank,
    [property: JsonPropertyName("lexical_score")] float? LexicalScore,
    [property: JsonPropertyName("lexical_rank")] int? LexicalRank)
{
    public static SearchHitView From(CatalogHit h) => new(
        h.Rank, h.Product.ProductId, h.Product.Title, h.Product.Category, h.Product.Price, h.Product.Condition,
        h.Product.SellerRating, h.Score, h.Sources.ToWire(), h.EbrScore, h.EbrRank, h.LexicalScore, h.LexicalRank);
}
