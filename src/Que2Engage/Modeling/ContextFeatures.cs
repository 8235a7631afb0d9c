using Que2Engage.Data;

namespace Que2Engage.Modeling;

/// <summary>
/// The dense context vector of a listing (the input of the context token). Every feature is a schema-level
/// transform (logs, ratios, one-hots, missing flags), not tuned to one simulated world; scale is left to the
/// BatchNorm in front of the context MLP. Non-finite or negative inputs are clamped to 0 so a bad row cannot
/// produce NaN embeddings.
/// </summary>
public static class ContextFeatures
{
    public const int Dimension = 14;

    public static readonly IReadOnlyList<string> Names =
    [
        "log1p_price", "log_price_vs_category_median",
        "cond_new", "cond_like_new", "cond_good", "cond_fair", "cond_unknown",
        "seller_rating", "seller_rating_missing", "log1p_seller_rating_count",
        "log1p_photo_count", "log1p_listing_age_days", "log1p_distance_km", "distance_missing",
    ];

    public static float[] Compute(Product p, ContextStatistics stats) =>
        Compute(ContextInputs.Of(p), stats.MedianPriceFor(p.Category));

    /// <param name="categoryMedianPrice">The median price of the listing's category (<see cref="ContextStatistics.MedianPriceFor"/>).</param>
    public static float[] Compute(in ContextInputs p, double categoryMedianPrice)
    {
        var f = new float[Dimension];
        double price = Clean(p.Price);
        f[0] = (float)Math.Log(1 + price);
        f[1] = (float)(Math.Log(1 + price) - Math.Log(1 + Clean(categoryMedianPrice)));
        f[2 + (int)p.Condition] = 1f;
        if (double.IsFinite(p.SellerRating)) f[7] = (float)(Math.Clamp(p.SellerRating, 0, 5) / 5.0);
        else f[8] = 1f;
        f[9] = (float)Math.Log(1 + Math.Max(0, p.SellerRatingCount));
        f[10] = (float)Math.Log(1 + Math.Max(0, p.PhotoCount));
        f[11] = (float)Math.Log(1 + Clean(p.ListingAgeDays));
        if (double.IsFinite(p.DistanceKm)) f[12] = (float)Math.Log(1 + Math.Max(0, p.DistanceKm));
        else f[13] = 1f;
        return f;
    }

    private static double Clean(double x) => double.IsFinite(x) && x > 0 ? x : 0;
}

/// <summary>
/// The listing fields the context features read, as one fixed-width value (the training cache stores one per
/// product). A missing seller rating or distance is NaN, which the features treat as missing, as they treat null.
/// </summary>
public readonly record struct ContextInputs(
    double Price, Condition Condition, double SellerRating, int SellerRatingCount, int PhotoCount, double ListingAgeDays, double DistanceKm)
{
    public static ContextInputs Of(Product p) => new(
        p.Price, p.Condition, p.SellerRating ?? double.NaN, p.SellerRatingCount, p.PhotoCount, p.ListingAgeDays, p.DistanceKm ?? double.NaN);
}
