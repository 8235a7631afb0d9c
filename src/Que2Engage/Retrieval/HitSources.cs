namespace Que2Engage.Retrieval;

/// <summary>Which retrievers returned a hit.</summary>
[Flags]
public enum HitSources { None = 0, Ebr = 1, Lexical = 2 }

public static class HitSourcesNames
{
    /// <summary>["ebr"], ["lexical"] or ["ebr", "lexical"].</summary>
    public static string[] ToWire(this HitSources s) =>
        [.. (s & HitSources.Ebr) != 0 ? ["ebr"] : Array.Empty<string>(), .. (s & HitSources.Lexical) != 0 ? ["lexical"] : Array.Empty<string>()];
}
