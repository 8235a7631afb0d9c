using System.Globalization;
using System.Text;
using Que2Engage.Retrieval;
using static System.Net.WebUtility;

namespace Que2Engage.Serving;

/// <summary>
/// The server-rendered search page: a form and a results table (title, price, condition, seller rating, source,
/// score). Rendered on the server, no script, so it works anywhere and is testable as plain HTML.
/// </summary>
public static class SearchPage
{
    public static string Render(string? query, string mode, IReadOnlyList<CatalogHit>? hits, string? error, int catalogSize)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Que2Engage search</title>");
        sb.Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left}.err{color:#b00}</style></head><body>");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Que2Engage search</h1><p>{catalogSize:N0} products</p>");
        sb.Append("<form method=\"get\" action=\"/\"><input id=\"q\" name=\"q\" size=\"50\" maxlength=\"512\" value=\"").Append(HtmlEncode(query ?? "")).Append("\"> ");
        sb.Append("<select name=\"mode\">");
        foreach (var m in new[] { "hybrid", "ebr", "lexical" })
            sb.Append("<option").Append(m == mode ? " selected" : "").Append('>').Append(m).Append("</option>");
        sb.Append("</select> <button type=\"submit\">Search</button></form>");
        if (error is not null) sb.Append("<p class=\"err\" id=\"error\">").Append(HtmlEncode(error)).Append("</p>");
        if (hits is not null)
        {
            if (hits.Count == 0) sb.Append("<p id=\"no-results\">No results.</p>");
            else
            {
                sb.Append("<table id=\"results\"><thead><tr><th>#</th><th>Title</th><th>Price</th><th>Condition</th><th>Seller rating</th><th>Source</th><th>Score</th></tr></thead><tbody>");
                foreach (var h in hits)
                {
                    var p = h.Product;
                    sb.Append(CultureInfo.InvariantCulture,
                        $"<tr class=\"hit\" data-product-id=\"{HtmlEncode(p.ProductId)}\"><td>{h.Rank}</td><td class=\"title\">{HtmlEncode(p.Title)}</td><td class=\"price\">{p.Price:F2}</td>" +
                        $"<td class=\"condition\">{HtmlEncode(p.Condition)}</td><td class=\"rating\">{(p.SellerRating is double r ? r.ToString("F1", CultureInfo.InvariantCulture) : "–")}</td>" +
                        $"<td class=\"source\">{string.Join(" + ", h.Sources.ToWire())}</td><td class=\"score\">{h.Score:F4}</td></tr>");
                }
                sb.Append("</tbody></table>");
            }
        }
        sb.Append("</body></html>");
        return sb.ToString();
    }
}
