using System.Globalization;
using Que2Engage.Data;

namespace Que2Engage.Retrieval;

/// <summary>
/// Structured filters on a listing's fields (the query parameters / CLI flags <c>min_price</c>, <c>max_price</c>,
/// <c>condition</c> (any of several), <c>category</c> (case-insensitive exact), <c>max_distance_km</c>,
/// <c>min_seller_rating</c>, <c>has_photo</c>). Both retrievers apply it inside their search (a filtered HNSW walk or
/// exact scan over the passing set; a Lucene filter), never by dropping hits afterwards. A listing with an unknown
/// distance or seller rating does not pass a filter on that field.
/// </summary>
public sealed record SearchFilter
{
    public double? MinPrice { get; init; }
    public double? MaxPrice { get; init; }
    /// <summary>Wire names (new, like_new, good, fair, unknown); null or empty = any condition.</summary>
    public IReadOnlyList<string>? Conditions { get; init; }
    public string? Category { get; init; }
    public double? MaxDistanceKm { get; init; }
    public double? MinSellerRating { get; init; }
    public bool? HasPhoto { get; init; }

    public static readonly SearchFilter None = new();

    /// <summary>The parameter names, shared by the HTTP API, the page and the CLI flags (with -- and dashes).</summary>
    public static readonly string[] ParameterNames =
        ["min_price", "max_price", "condition", "category", "max_distance_km", "min_seller_rating", "has_photo"];

    public bool IsEmpty => MinPrice is null && MaxPrice is null && (Conditions is null || Conditions.Count == 0)
        && Category is null && MaxDistanceKm is null && MinSellerRating is null && HasPhoto is null;

    public bool Matches(CatalogEntry e)
    {
        if (MinPrice is double lo && !(e.Price >= lo)) return false;
        if (MaxPrice is double hi && !(e.Price <= hi)) return false;
        if (Conditions is { Count: > 0 } cs)
        {
            bool any = false;
            for (int i = 0; i < cs.Count && !any; i++) any = string.Equals(cs[i], e.Condition, StringComparison.Ordinal);
            if (!any) return false;
        }
        if (Category is not null && !string.Equals(e.Category, Category, StringComparison.OrdinalIgnoreCase)) return false;
        if (MaxDistanceKm is double d && !(e.DistanceKm is double ed && ed <= d)) return false;
        if (MinSellerRating is double r && !(e.SellerRating is double er && er >= r)) return false;
        if (HasPhoto is bool photo && (e.PhotoCount > 0) != photo) return false;
        return true;
    }

    /// <summary>
    /// Builds a filter from named values (query-string parameters or CLI flags); <paramref name="values"/> returns
    /// the values given for a parameter name (empty when absent). Throws <see cref="InvalidInputException"/> naming
    /// the parameter on a bad value.
    /// </summary>
    public static SearchFilter Parse(Func<string, IReadOnlyList<string>> values)
    {
        double? Number(string name, double min, double max)
        {
            var v = Single(name);
            if (v is null) return null;
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x) || x < min || x > max)
                throw new InvalidInputException($"'{name}' must be a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString("G", CultureInfo.InvariantCulture)} (got '{v}').");
            return x;
        }
        string? Single(string name)
        {
            var vs = values(name).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
            if (vs.Count > 1) throw new InvalidInputException($"give '{name}' once.");
            return vs.Count == 0 ? null : vs[0].Trim();
        }

        var conditions = new List<string>();
        foreach (var raw in values("condition"))
            foreach (var part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!ConditionNames.TryParse(part, out var c))
                    throw new InvalidInputException($"'condition' must be new, like_new, good, fair or unknown (got '{part}').");
                if (!conditions.Contains(c.ToWire())) conditions.Add(c.ToWire());
            }
        bool? hasPhoto = Single("has_photo")?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "1" or "yes" or "on" => true,
            "false" or "0" or "no" or "off" => false,
            var other => throw new InvalidInputException($"'has_photo' must be true or false (got '{other}')."),
        };
        var category = Single("category");
        if (category is { Length: > 200 }) throw new InvalidInputException("'category' is longer than 200 characters.");
        var filter = new SearchFilter
        {
            MinPrice = Number("min_price", 0, double.MaxValue),
            MaxPrice = Number("max_price", 0, double.MaxValue),
            Conditions = conditions.Count == 0 ? null : conditions,
            Category = category,
            MaxDistanceKm = Number("max_distance_km", 0, double.MaxValue),
            MinSellerRating = Number("min_seller_rating", 0, 5),
            HasPhoto = hasPhoto,
        };
        if (filter.MinPrice > filter.MaxPrice)
            throw new InvalidInputException($"'min_price' ({filter.MinPrice}) is above 'max_price' ({filter.MaxPrice}).");
        return filter;
    }

    /// <summary>Parameter name → value pairs of the set fields (for links and echoing the page's form).</summary>
    public IEnumerable<(string Name, string Value)> ToParameters()
    {
        static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (MinPrice is double a) yield return ("min_price", N(a));
        if (MaxPrice is double b) yield return ("max_price", N(b));
        foreach (var c in Conditions ?? []) yield return ("condition", c);
        if (Category is not null) yield return ("category", Category);
        if (MaxDistanceKm is double d) yield return ("max_distance_km", N(d));
        if (MinSellerRating is double r) yield return ("min_seller_rating", N(r));
        if (HasPhoto is bool p) yield return ("has_photo", p ? "true" : "false");
    }
}
