namespace Que2Engage.Retrieval;

/// <summary>Which retrievers answer a query: both fused (the default, as in production), embeddings only, or BM25 only.</summary>
public enum SearchMode { Hybrid, Ebr, Lexical }

public static class SearchModeNames
{
    public static string ToWire(this SearchMode mode) => mode switch
    {
        SearchMode.Ebr => "ebr",
        SearchMode.Lexical => "lexical",
        _ => "hybrid",
    };

    public static bool TryParse(string? text, out SearchMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "hybrid": mode = SearchMode.Hybrid; return true;
            case "ebr": mode = SearchMode.Ebr; return true;
            case "lexical": mode = SearchMode.Lexical; return true;
            default: mode = SearchMode.Hybrid; return false;
        }
    }

    public static SearchMode Parse(string? text) => TryParse(text, out var m)
        ? m
        : throw new InvalidInputException($"Unknown search mode '{text}' (expected hybrid, ebr or lexical).");
}
