using System.Globalization;
using System.Text;
using Que2Engage.Retrieval;
using static System.Net.WebUtility;

namespace Que2Engage.Serving;

/// <summary>
/// The server-rendered search page: a labelled search form and a results table (title with category and a short
/// description, price, condition, seller rating, source badges, score). Rendered on the server with no script, so it
/// works anywhere and is testable as plain HTML; every piece of data goes through <see cref="HtmlEncode"/>.
/// </summary>
public static class SearchPage
{
    /// <summary>Sent with the page: no scripts, no external resources, forms only to this server.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private const int DescriptionChars = 120;

    private static readonly (string Wire, string Label)[] Modes =
    [
        ("hybrid", "Hybrid (embeddings + keywords)"),
        ("ebr", "Embeddings only"),
        ("lexical", "Keywords only (BM25)"),
    ];

    private const string Style =
        "*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}" +
        "header{background:#1f3b63;color:#fff;padding:1em 2em}header h1{margin:0;font-size:1.4em}header p{margin:.2em 0 0;opacity:.8;font-size:.9em}" +
        "main{max-width:1100px;margin:0 auto;padding:1.2em 2em}" +
        "form{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;background:#fff;padding:.8em;border-radius:8px;box-shadow:0 1px 3px #0002}" +
        "form label.q{flex:1 1 22em;display:flex}input#q{flex:1;font:inherit;padding:.5em .7em;border:1px solid #9aa5b5;border-radius:6px}" +
        "select,button{font:inherit;padding:.45em .7em;border-radius:6px;border:1px solid #9aa5b5;background:#fff}" +
        "button{background:#1f6feb;border-color:#1f6feb;color:#fff;font-weight:600;cursor:pointer}" +
        ".sr{position:absolute;left:-9999px}.summary{color:#4a5568;margin:1em 0 .5em}" +
        ".err{color:#9b1c1c;background:#fde8e8;border:1px solid #f5b5b5;padding:.6em .8em;border-radius:6px}" +
        "table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px #0002}" +
        "th,td{padding:.55em .7em;border-bottom:1px solid #e5e8ee;text-align:left;vertical-align:top}th{background:#eef1f5;font-size:.85em;color:#4a5568}" +
        "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}" +
        ".title{font-weight:600}.meta{color:#5b6576;font-size:.85em;margin-top:.15em}" +
        ".cond{display:inline-block;padding:0 .5em;border-radius:1em;font-size:.85em;background:#eef1f5;white-space:nowrap}" +
        ".cond-new,.cond-like-new{background:#dff5e3}.cond-fair{background:#fdf0d5}" +
        ".badge{display:inline-block;padding:0 .45em;border-radius:4px;font-size:.8em;font-weight:600}" +
        ".b-ebr{background:#e4ecff;color:#1d4ed8}.b-lexical{background:#fbe8d3;color:#9a4b00}.b-ebr-lexical{background:#efe4ff;color:#6b21a8}" +
        ".score{color:#8a94a6}" +
        "fieldset.filters{flex:1 1 100%;display:flex;flex-wrap:wrap;gap:.4em 1em;border:0;margin:0;padding:.3em 0 0;font-size:.9em;color:#4a5568}" +
        "fieldset.filters legend{float:left;font-weight:600;margin-right:.5em}label.f input[type=number]{width:6em}label.f input{font:inherit}";

    /// <param name="query">The query as typed (echoed into the box), or null on a first visit.</param>
    /// <param name="mode">The selected mode's wire name.</param>
    /// <param name="hits">Results, or null when nothing was searched.</param>
    /// <param name="tookMs">Search time to show with the results, if measured.</param>
    /// <param name="filter">The filters in effect (echoed into the filter fields).</param>
    public static string Render(string? query, string mode, IReadOnlyList<CatalogHit>? hits, string? error, int catalogSize, double? tookMs = null,
        SearchFilter? filter = null)
    {
        var sb = new StringBuilder(8192);
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        sb.Append("<title>").Append(string.IsNullOrEmpty(query) ? "" : HtmlEncode(query) + " – ").Append("Que2Engage search</title>");
        sb.Append("<style>").Append(Style).Append("</style></head><body>");
        sb.Append(CultureInfo.InvariantCulture,
            $"<header><h1>Que2Engage search</h1><p>Relevant and engaging products from {catalogSize:N0} listings</p></header><main>");

        sb.Append("<form method=\"get\" action=\"/\" role=\"search\">");
        sb.Append("<label class=\"q\"><span class=\"sr\">Search query</span><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"512\" autofocus ");
        sb.Append("placeholder=\"What are you looking for? e.g. red leather sofa\" value=\"").Append(HtmlEncode(query ?? "")).Append("\"></label>");
        sb.Append("<label><span class=\"sr\">Retrieval mode</span><select name=\"mode\">");
        foreach (var (wire, label) in Modes)
            sb.Append("<option value=\"").Append(wire).Append('"').Append(wire == mode ? " selected" : "").Append('>').Append(HtmlEncode(label)).Append("</option>");
        sb.Append("</select></label><button type=\"submit\">Search</button>");
        AppendFilters(sb, filter ?? SearchFilter.None);
        sb.Append("</form>");

        if (error is not null) sb.Append("<p class=\"err\" id=\"error\" role=\"alert\">").Append(HtmlEncode(error)).Append("</p>");
        if (hits is not null) AppendResults(sb, query ?? "", hits, tookMs);
        else if (error is null) sb.Append("<p class=\"summary\">Type a query and press Enter.</p>");
        sb.Append("</main></body></html>");
        return sb.ToString();
    }

    /// <summary>The filter fields: the same names as the /search parameters, so the form's GET is a filtered search.</summary>
    private static void AppendFilters(StringBuilder sb, SearchFilter f)
    {
        static string N(double? x) => x is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        void Number(string name, string label, double? value, string step) =>
            sb.Append("<label class=\"f\">").Append(label).Append(" <input type=\"number\" min=\"0\" step=\"").Append(step)
              .Append("\" name=\"").Append(name).Append("\" id=\"").Append(name).Append("\" value=\"").Append(N(value)).Append("\"></label>");
        sb.Append("<fieldset class=\"filters\"><legend>Filters</legend>");
        Number("min_price", "Min price", f.MinPrice, "any");
        Number("max_price", "Max price", f.MaxPrice, "any");
        foreach (var c in new[] { "new", "like_new", "good", "fair", "unknown" })
        {
            bool on = f.Conditions?.Contains(c) == true;
            sb.Append("<label class=\"f\"><input type=\"checkbox\" name=\"condition\" value=\"").Append(c).Append('"')
              .Append(on ? " checked" : "").Append('>').Append(HtmlEncode(ConditionLabel(c))).Append("</label>");
        }
        sb.Append("<label class=\"f\">Category <input name=\"category\" id=\"category\" maxlength=\"200\" value=\"")
          .Append(HtmlEncode(f.Category ?? "")).Append("\"></label>");
        Number("max_distance_km", "Within km", f.MaxDistanceKm, "any");
        Number("min_seller_rating", "Seller rating ≥", f.MinSellerRating, "0.1");
        sb.Append("<label class=\"f\"><input type=\"checkbox\" name=\"has_photo\" value=\"true\"").Append(f.HasPhoto == true ? " checked" : "")
          .Append(">With photo</label></fieldset>");
    }

    private static void AppendResults(StringBuilder sb, string query, IReadOnlyList<CatalogHit> hits, double? tookMs)
    {
        sb.Append("<p class=\"summary\" id=\"summary\">");
        sb.Append(hits.Count == 0 ? "No results" : hits.Count == 1 ? "1 result" : $"{hits.Count} results");
        sb.Append(" for “<strong>").Append(HtmlEncode(query)).Append("</strong>”");
        if (tookMs is double ms) sb.Append(CultureInfo.InvariantCulture, $" in {ms:F1} ms");
        sb.Append(".</p>");
        if (hits.Count == 0)
        {
            sb.Append("<p id=\"no-results\">No listing matched. Try fewer or different words.</p>");
            return;
        }
        sb.Append("<table id=\"results\"><thead><tr><th class=\"num\">#</th><th>Listing</th><th class=\"num\">Price</th><th>Condition</th>");
        sb.Append("<th class=\"num\">Seller rating</th><th>Source</th><th class=\"num\">Score</th></tr></thead><tbody>");
        foreach (var h in hits)
        {
            var p = h.Product;
            sb.Append("<tr class=\"hit\" data-product-id=\"").Append(HtmlEncode(p.ProductId)).Append("\">");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num rank\">{h.Rank}</td>");
            sb.Append("<td><div class=\"title\">").Append(HtmlEncode(p.Title)).Append("</div>");
            var meta = MetaLine(p);
            if (meta.Length > 0) sb.Append("<div class=\"meta\">").Append(HtmlEncode(meta)).Append("</div>");
            sb.Append("</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num price\">{p.Price:F2}</td>");
            sb.Append("<td><span class=\"condition cond cond-").Append(HtmlEncode(p.Condition.Replace('_', '-'))).Append("\">")
              .Append(HtmlEncode(ConditionLabel(p.Condition))).Append("</span></td>");
            sb.Append("<td class=\"num rating\">").Append(HtmlEncode(RatingText(p))).Append("</td>");
            var sources = h.Sources.ToWire();
            sb.Append("<td><span class=\"source badge b-").Append(string.Join('-', sources)).Append("\">")
              .Append(string.Join(" + ", sources)).Append("</span></td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td class=\"num score\">{h.Score:F4}</td></tr>");
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>"like_new" → "like new": the wire name made readable.</summary>
    public static string ConditionLabel(string wireCondition) => wireCondition.Replace('_', ' ');

    /// <summary>Category · first words of the description, shortened to about 120 characters on a word boundary.</summary>
    private static string MetaLine(CatalogEntry p)
    {
        var description = string.Join(' ', (p.Description ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (description.Length > DescriptionChars)
        {
            int cut = description.LastIndexOf(' ', DescriptionChars);
            description = description[..(cut > DescriptionChars / 2 ? cut : DescriptionChars)] + "…";
        }
        return string.Join(" · ", new[] { p.Category, description }.Where(s => !string.IsNullOrWhiteSpace(s)));
    }

    private static string RatingText(CatalogEntry p) => p.SellerRating is double r
        ? string.Create(CultureInfo.InvariantCulture, $"★ {r:F1}") + (p.SellerRatingCount > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({p.SellerRatingCount})") : "")
        : "–";
}
