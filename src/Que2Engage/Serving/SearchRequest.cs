using Microsoft.AspNetCore.Http;
using Que2Engage.Retrieval;

namespace Que2Engage.Serving;

/// <summary>
/// A validated search request (q, k, mode, ef and the <see cref="SearchFilter"/> parameters) from a query string, or
/// the reason it is invalid. The rules (<see cref="CheckQuery"/>, <see cref="CheckK"/>, <see cref="CheckEf"/>) are
/// shared by the HTTP API and the CLI, which name the inputs differently (<see cref="InputNames"/>), so both accept
/// and refuse the same requests.
/// </summary>
public sealed record SearchRequest(string Query, int K, SearchMode Mode, int? Ef, SearchFilter? Filter = null)
{
    /// <summary>How the inputs are called where they come from: query parameters (<see cref="Http"/>), or a front end's own names (the CLI's flags).</summary>
    public sealed record InputNames(string Query, string K, string Ef)
    {
        public static readonly InputNames Http = new("'q'", "'k'", "'ef'");
    }

    /// <summary>
    /// Null when <paramref name="text"/> is a searchable query. U+FFFD is what a decoder makes of invalid UTF-8 (the
    /// server's query-string decoding, and a JSON body's), so a query holding it is refused as invalid UTF-8 rather
    /// than searched for a replacement character.
    /// </summary>
    public static string? CheckQuery(string? text, SearchServerOptions o, InputNames names)
    {
        if (string.IsNullOrWhiteSpace(text)) return $"{names.Query} is empty.";
        if (text.Length > o.MaxQueryLength) return $"{names.Query} is longer than {o.MaxQueryLength} characters.";
        if (text.Contains('\uFFFD')) return $"{names.Query} is not valid UTF-8.";
        return null;
    }

    public static string? CheckK(int k, SearchServerOptions o, InputNames names) =>
        k < 1 || k > o.MaxK ? $"{names.K} must be an integer in 1..{o.MaxK}." : null;

    public static string? CheckEf(int? ef, SearchServerOptions o, InputNames names) =>
        ef is int e && (e < 1 || e > o.MaxEf) ? $"{names.Ef} must be an integer in 1..{o.MaxEf}." : null;

    /// <summary>
    /// Binds and validates the query parameters of <c>/search</c> and the page (<see cref="SearchEndpoints"/>). Without
    /// a model an absent mode means lexical, and a mode that needs one is refused (the request is still returned, so
    /// the page can echo its filters).
    /// </summary>
    public static (SearchRequest? Request, string? Error) Bind(HttpRequest http, SearchServerOptions o, bool hasModel, bool requireQuery)
    {
        var (request, error) = Parse(http.Query, o, requireQuery, http.QueryString.Value);
        if (request is null) return (null, error);
        if (!hasModel && http.Query["mode"].ToString().Length == 0) request = request with { Mode = SearchMode.Lexical };
        if (!hasModel && request.Mode != SearchMode.Lexical)
            return (request, $"mode '{request.Mode.ToWire()}' needs a model and this server has none; use mode=lexical.");
        return (request, null);
    }

    /// <param name="rawQueryString">The request's undecoded query string ("?q=..."): ASP.NET leaves percent-escapes that
    /// are not UTF-8 (%FF%FE) undecoded in <paramref name="query"/>, so invalid UTF-8 is detected on the raw bytes.</param>
    private static (SearchRequest? Request, string? Error) Parse(IQueryCollection query, SearchServerOptions o, bool requireQuery,
        string? rawQueryString = null)
    {
        // Every parameter is single-valued: a repeated one is refused by name, as SearchFilter refuses a repeated
        // filter, rather than read as its comma-joined values (k=5&k=10 → "5,10", then "must be an integer").
        foreach (var name in new[] { "q", "k", "mode", "ef" })
            if (query[name].Count > 1) return (null, $"give '{name}' once.");
        var q = query["q"];
        if (rawQueryString is not null && !ParameterIsUtf8(rawQueryString, "q")) return (null, "'q' is not valid UTF-8.");
        var text = q.ToString();
        if (requireQuery && string.IsNullOrWhiteSpace(text)) return (null, "missing query parameter 'q'.");
        if (!string.IsNullOrWhiteSpace(text) && CheckQuery(text, o, InputNames.Http) is { } queryError) return (null, queryError);
        if (text.Length > o.MaxQueryLength) return (null, $"'q' is longer than {o.MaxQueryLength} characters.");

        int k = o.DefaultK;
        var kText = query["k"].ToString();
        if (kText.Length > 0 && (!int.TryParse(kText, out k) || CheckK(k, o, InputNames.Http) is not null))
            return (null, CheckK(0, o, InputNames.Http));

        var modeText = query["mode"].ToString();
        var mode = SearchMode.Hybrid;
        if (modeText.Length > 0 && !SearchModeNames.TryParse(modeText, out mode))
            return (null, "'mode' must be hybrid, ebr or lexical.");

        int? ef = null;
        var efText = query["ef"].ToString();
        if (efText.Length > 0)
        {
            if (!int.TryParse(efText, out int e) || CheckEf(e, o, InputNames.Http) is not null) return (null, CheckEf(0, o, InputNames.Http));
            ef = e;
        }
        SearchFilter filter;
        try { filter = SearchFilter.Parse(name => query[name].Select(v => v ?? "").ToList()); }
        catch (InvalidInputException e) { return (null, e.Message); }
        return (new SearchRequest(text, k, mode, ef, filter.IsEmpty ? null : filter), null);
    }

    /// <summary>Whether every value of <paramref name="name"/> in a raw query string percent-decodes to valid UTF-8.</summary>
    public static bool ParameterIsUtf8(string rawQueryString, string name)
    {
        foreach (var part in rawQueryString.TrimStart('?').Split('&'))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part[..eq];
            if (!string.Equals(System.Net.WebUtility.UrlDecode(key), name, StringComparison.Ordinal)) continue;
            var raw = System.Text.Encoding.UTF8.GetBytes(eq < 0 ? "" : part[(eq + 1)..]);
            if (!System.Text.Unicode.Utf8.IsValid(System.Net.WebUtility.UrlDecodeToBytes(raw, 0, raw.Length))) return false;
        }
        return true;
    }
}
