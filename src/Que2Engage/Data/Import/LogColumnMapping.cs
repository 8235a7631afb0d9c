namespace Que2Engage.Data.Import;

/// <summary>
/// Which source column feeds which schema field for a generic search log (CSV, TSV, JSONL or Parquet; one row per
/// shown or rated (query, product) pair, carrying the product's fields). Null = the source has no such column; the
/// field then takes its "unknown" value (price 0, condition unknown, seller rating null, …).
/// At least one of <see cref="Engaged"/> and <see cref="Rating"/> must be set.
/// </summary>
public sealed record LogColumnMapping
{
    public string Query { get; init; } = "query";
    public string ProductId { get; init; } = "product_id";
    public string Title { get; init; } = "title";
    public string? Description { get; init; }
    public string? Category { get; init; }
    public string? Language { get; init; }
    /// <summary>Language of every product when there is no language column.</summary>
    public string LanguageValue { get; init; } = "";
    public string? Price { get; init; }
    public string? Condition { get; init; }
    public string? SellerRating { get; init; }
    public string? SellerRatingCount { get; init; }
    public string? PhotoCount { get; init; }
    public string? ListingAgeDays { get; init; }
    public string? DistanceKm { get; init; }

    /// <summary>Engagement (click, purchase, …): true/false, 1/0, yes/no or a count (&gt; 0 = engaged).</summary>
    public string? Engaged { get; init; }
    /// <summary>Graded relevance, mapped to 0/1/2 by <see cref="RatingMap"/>.</summary>
    public string? Rating { get; init; }
    public RatingMap RatingMap { get; init; } = RatingMap.Identity;
    /// <summary>Search session id; without it each query is its own session.</summary>
    public string? Session { get; init; }
    /// <summary>1-based rank shown; without it the row order within the session.</summary>
    public string? Position { get; init; }

    /// <summary>Schema field → source column, for import.json and the required-column check.</summary>
    internal IEnumerable<(string Field, string? Column, string Flag)> Entries()
    {
        yield return ("query", Query, "--query-col");
        yield return ("product_id", ProductId, "--product-col");
        yield return ("title", Title, "--title-col");
        yield return ("description", Description, "--description-col");
        yield return ("category", Category, "--category-col");
        yield return ("language", Language, "--language-col");
        yield return ("price", Price, "--price-col");
        yield return ("condition", Condition, "--condition-col");
        yield return ("seller_rating", SellerRating, "--seller-rating-col");
        yield return ("seller_rating_count", SellerRatingCount, "--seller-rating-count-col");
        yield return ("photo_count", PhotoCount, "--photo-count-col");
        yield return ("listing_age_days", ListingAgeDays, "--listing-age-col");
        yield return ("distance_km", DistanceKm, "--distance-col");
        yield return ("engaged", Engaged, "--engaged-col");
        yield return ("rating", Rating, "--rating-col");
        yield return ("session_id", Session, "--session-col");
        yield return ("position", Position, "--position-col");
    }
}
