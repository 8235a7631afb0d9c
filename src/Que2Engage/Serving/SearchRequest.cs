using Microsoft.AspNetCore.Http;
using Que2Engage.Retrieval;

namespace Que2Engage.Serving;

/// <summary>A validated search request (q, k, mode, ef and the <see cref="SearchFilter"/> parameters) from a query string, or the reason it is invalid.</summary>
public sealed record SearchRequest(string Query, int K, SearchMode Mode, int? Ef, SearchFilter? Filter = null)
{
    public static (SearchRequest? Request, string? Error) Parse(IQueryCollection query, SearchServerOptions o, bool requireQuery)
    {
        var q = query["q"];
        if (q.Count > 1) return (null, "give 'q' once.");
        var text = q.ToString();
        if (requireQuery && string.IsNullOrWhiteSpace(text)) return (null, "missing query parameter 'q'.");
        if (text.Length > o.MaxQueryLength) return (null, $"'q' is longer than {o.MaxQueryLength} characters.");

        int k = o.DefaultK;
        var kText = query["k"].ToString();
        if (kText.Length > 0 && (!int.TryParse(kText, out k) || k < 1 || k > o.MaxK))
            return (null, $"'k' must be an integer in 1..{o.MaxK}.");

        var modeText = query["mode"].ToString();
        var mode = SearchMode.Hybrid;
        if (modeText.Length > 0 && !SearchModeNames.TryParse(modeText, out mode))
            return (null, "'mode' must be hybrid, ebr or lexical.");

        int? ef = null;
        var efText = query["ef"].ToString();
        if (efText.Length > 0)
        {
            if (!int.TryParse(efText, out int e) || e < 1 || e > o.MaxEf) return (null, $"'ef' must be an integer in 1..{o.MaxEf}.");
            ef = e;
        }
        SearchFilter filter;
        try { filter = SearchFilter.Parse(name => query[name].Select(v => v ?? "").ToList()); }
        catch (InvalidInputException e) { return (null, e.Message); }
        return (new SearchRequest(text, k, mode, ef, filter.IsEmpty ? null : filter), null);
    }
}
