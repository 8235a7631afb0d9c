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

    /// <summary>
    /// Fails with an <see cref="InvalidInputException.Setting"/> error unless the mapping names engagement and/or ratings, and a
    /// rating map only together with a rating column.
    /// </summary>
    public void Validate()
    {
        if (Engaged is null && Rating is null)
            throw InvalidInputException.Setting(
                $"give {Setting(nameof(Engaged))} (impressions) and/or {Setting(nameof(Rating))} (relevance ratings): a log needs one of them",
                Setting(nameof(Engaged)), Setting(nameof(Rating)));
        if (Rating is null && !ReferenceEquals(RatingMap, RatingMap.Identity))
            throw InvalidInputException.Setting($"{Setting(nameof(RatingMap))} needs {Setting(nameof(Rating))}", Setting(nameof(RatingMap)), Setting(nameof(Rating)));
    }

    /// <summary>
    /// Schema field → source column and the setting that names it ("LogColumnMapping.Engaged"), for import.json and the
    /// required-column check.
    /// </summary>
    internal IEnumerable<(string Field, string? Column, string Setting)> Entries()
    {
        yield return ("query", Query, Setting(nameof(Query)));
        yield return ("product_id", ProductId, Setting(nameof(ProductId)));
        yield return ("title", Title, Setting(nameof(Title)));
        yield return ("description", Description, Setting(nameof(Description)));
        yield return ("category", Category, Setting(nameof(Category)));
        yield return ("language", Language, Setting(nameof(Language)));
        yield return ("price", Price, Setting(nameof(Price)));
        yield return ("condition", Condition, Setting(nameof(Condition)));
        yield return ("seller_rating", SellerRating, Setting(nameof(SellerRating)));
        yield return ("seller_rating_count", SellerRatingCount, Setting(nameof(SellerRatingCount)));
        yield return ("photo_count", PhotoCount, Setting(nameof(PhotoCount)));
        yield return ("listing_age_days", ListingAgeDays, Setting(nameof(ListingAgeDays)));
        yield return ("distance_km", DistanceKm, Setting(nameof(DistanceKm)));
        yield return ("engaged", Engaged, Setting(nameof(Engaged)));
        yield return ("rating", Rating, Setting(nameof(Rating)));
        yield return ("session_id", Session, Setting(nameof(Session)));
        yield return ("position", Position, Setting(nameof(Position)));
    }

    /// <summary>The setting <paramref name="property"/> of this type as errors name it: "LogColumnMapping.Engaged".</summary>
    internal static string Setting(string property) => $"{nameof(LogColumnMapping)}.{property}";
}
