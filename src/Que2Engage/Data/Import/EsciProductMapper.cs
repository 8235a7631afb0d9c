namespace Que2Engage.Data.Import;

/// <summary>Maps one row of the ESCI products file to a <see cref="Product"/>.</summary>
internal static class EsciProductMapper
{
    /// <summary>The ESCI-S extra columns this file has (null when absent).</summary>
    public sealed record Extras(string? Price, string? Stars, string? RatingCount, string? Category);

    public static Extras FindExtras(SourceTable products)
    {
        // JSONL has no header: look for every alias per row (the first non-null wins).
        string? Pick(string[] names) => products.Columns is null ? null : names.FirstOrDefault(n => products.Columns.Contains(n));
        return products.Columns is null
            ? new Extras(null, null, null, null)
            : new Extras(Pick(EsciColumns.PriceNames), Pick(EsciColumns.StarsNames), Pick(EsciColumns.RatingCountNames), Pick(EsciColumns.CategoryNames));
    }

    public static Product Map(ISourceRow raw, Extras extras)
    {
        string id = FieldParsers.Required(raw, EsciColumns.ProductId);
        string? locale = raw.Text(EsciColumns.ProductLocale)?.Trim().ToLowerInvariant();
        var description = new List<string>(4);
        void Add(string column, string prefix = "")
        {
            if (raw.Text(column)?.Trim() is { Length: > 0 } text) description.Add(prefix + text);
        }
        Add(EsciColumns.ProductDescription);
        Add(EsciColumns.ProductBulletPoint);
        Add(EsciColumns.ProductBrand, "Brand: ");
        Add(EsciColumns.ProductColor, "Color: ");
        string? Column(string? mapped, string[] aliases) => mapped ?? aliases.FirstOrDefault(a => raw.Text(a) is not null);
        double? stars = FieldParsers.LooseNumber(raw, Column(extras.Stars, EsciColumns.StarsNames));
        string starsColumn = Column(extras.Stars, EsciColumns.StarsNames) ?? "stars";
        if (stars is double s && s > 5) throw FieldParsers.Problem(starsColumn, $"star rating {s} is above 5");
        double? count = FieldParsers.LooseNumber(raw, Column(extras.RatingCount, EsciColumns.RatingCountNames));
        var product = new Product
        {
            ProductId = id,
            Title = raw.Text(EsciColumns.ProductTitle)?.Trim() ?? "",
            Description = string.Join("\n", description),
            Category = Column(extras.Category, EsciColumns.CategoryNames) is { } cc && raw.Text(cc)?.Trim() is { Length: > 0 } cat ? cat : null,
            Language = LanguageOf(locale),
            Price = FieldParsers.LooseNumber(raw, Column(extras.Price, EsciColumns.PriceNames)) ?? 0,
            Condition = Condition.Unknown,
            SellerRating = stars,
            SellerRatingCount = count is double n ? (int)Math.Min(n, int.MaxValue) : 0,
        };
        return RowRules.Check(product) is { } bad ? throw new RowProblemException(bad) : product;
    }

    /// <summary>ESCI locales are countries; the schema wants a language code.</summary>
    public static string LanguageOf(string? locale) => locale switch
    {
        "us" => "en",
        "es" => "es",
        "jp" => "ja",
        null => "",
        _ => locale,
    };

    public static Dictionary<string, string> Mapping(Extras extras)
    {
        var map = new Dictionary<string, string>
        {
            ["product_id"] = "column 'product_id'",
            ["title"] = "column 'product_title' (missing → empty)",
            ["description"] = "product_description, product_bullet_point, 'Brand: ' product_brand, 'Color: ' product_color — those present, one per line",
            ["language"] = "from product_locale: us → en, es → es, jp → ja",
            ["query"] = "column 'query'",
            ["rating"] = "from esci_label: E → 2, S → 1, C → 1, I → 0",
            ["session_id"] = "'q' + query_id (the query when absent)",
            ["position"] = "row order within the query",
            ["engaged"] = "train split only: esci_label == E (derived; ESCI has no engagement)",
            ["price"] = extras.Price is null ? "0 (unknown)" : $"first number in column '{extras.Price}'",
            ["seller_rating"] = extras.Stars is null ? "null" : $"star rating in column '{extras.Stars}'",
            ["seller_rating_count"] = extras.RatingCount is null ? "0" : $"first number in column '{extras.RatingCount}'",
            ["category"] = extras.Category is null ? "null" : $"column '{extras.Category}'",
        };
        foreach (var (field, unknown) in LogImporter.Unknowns) map.TryAdd(field, unknown);
        return map;
    }
}
