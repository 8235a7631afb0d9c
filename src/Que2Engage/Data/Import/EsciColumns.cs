namespace Que2Engage.Data.Import;

/// <summary>Column names of the Shopping Queries Dataset files, and the ESCI-S style extras recognised when present.</summary>
public static class EsciColumns
{
    public const string QueryId = "query_id";
    public const string Query = "query";
    public const string ProductId = "product_id";
    public const string ProductLocale = "product_locale";
    public const string EsciLabel = "esci_label";
    public const string SmallVersion = "small_version";
    public const string LargeVersion = "large_version";
    public const string Split = "split";

    public const string ProductTitle = "product_title";
    public const string ProductDescription = "product_description";
    public const string ProductBulletPoint = "product_bullet_point";
    public const string ProductBrand = "product_brand";
    public const string ProductColor = "product_color";

    /// <summary>Extra product columns (first present name wins): price (may carry a currency sign), star rating
    /// 0–5 (→ seller_rating, the nearest schema field), rating count (→ seller_rating_count), category.</summary>
    public static readonly string[] PriceNames = ["price", "product_price"];
    public static readonly string[] StarsNames = ["stars", "product_stars", "rating", "product_rating", "average_rating"];
    public static readonly string[] RatingCountNames = ["ratings", "ratings_count", "rating_count", "review_count", "product_ratings"];
    public static readonly string[] CategoryNames = ["category", "product_category"];

    internal static readonly string[] ExampleColumns = [QueryId, Query, ProductId, ProductLocale, EsciLabel, SmallVersion];

    internal static readonly string[] ProductColumns =
    [
        ProductId, ProductTitle, ProductDescription, ProductBulletPoint, ProductBrand, ProductColor, ProductLocale,
        .. PriceNames, .. StarsNames, .. RatingCountNames, .. CategoryNames,
    ];
}
