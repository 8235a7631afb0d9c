using Que2Engage.Data;

namespace Que2Engage.Modeling;

/// <summary>
/// Catalogue statistics the context features are relative to: the median price of each category and overall.
/// Computed once from the TRAINING catalogue and saved with the model, so serving-time features match training.
/// </summary>
public sealed record ContextStatistics
{
    public double GlobalMedianPrice { get; init; }
    public Dictionary<string, double> CategoryMedianPrice { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Categories with fewer listings than this use the global median (a 1-listing median is noise).</summary>
    public const int MinCategoryCount = 5;

    public static ContextStatistics FromCatalogue(IReadOnlyList<Product> products) =>
        FromPrices(products.Select(p => (p.Category, p.Price)));

    /// <summary>The statistics of a catalogue given as (category, price) per listing (a streamed catalogue).</summary>
    public static ContextStatistics FromPrices(IEnumerable<(string? Category, double Price)> listings)
    {
        var valid = listings.Where(p => double.IsFinite(p.Price) && p.Price >= 0).ToList();
        double global = valid.Count == 0 ? 0 : Median(valid.Select(p => p.Price));
        var byCategory = valid.Where(p => !string.IsNullOrEmpty(p.Category))
            .GroupBy(p => p.Category!, StringComparer.Ordinal)
            .Where(g => g.Count() >= MinCategoryCount)
            .ToDictionary(g => g.Key, g => Median(g.Select(p => p.Price)), StringComparer.Ordinal);
        return new ContextStatistics { GlobalMedianPrice = global, CategoryMedianPrice = byCategory };
    }

    public double MedianPriceFor(string? category) =>
        category is not null && CategoryMedianPrice.TryGetValue(category, out var m) ? m : GlobalMedianPrice;

    private static double Median(IEnumerable<double> values)
    {
        var a = values.Order().ToArray();
        if (a.Length == 0) return 0;
        return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[a.Length / 2 - 1] + a[a.Length / 2]);
    }
}
