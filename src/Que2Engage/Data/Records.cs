namespace Que2Engage.Data;

/// <summary>Listing condition (DESIGN §2). Serialized as new | like_new | good | fair | unknown.</summary>
public enum Condition { New, LikeNew, Good, Fair, Unknown }

public static class ConditionNames
{
    public static string ToWire(this Condition c) => c switch
    {
        Condition.New => "new",
        Condition.LikeNew => "like_new",
        Condition.Good => "good",
        Condition.Fair => "fair",
        _ => "unknown",
    };

    public static bool TryParse(string? s, out Condition c)
    {
        switch (s?.Trim().ToLowerInvariant())
        {
            case "new": c = Condition.New; return true;
            case "like_new": c = Condition.LikeNew; return true;
            case "good": c = Condition.Good; return true;
            case "fair": c = Condition.Fair; return true;
            case "unknown": c = Condition.Unknown; return true;
            default: c = Condition.Unknown; return false;
        }
    }
}

/// <summary>One catalog listing (products.parquet / products.jsonl).</summary>
public sealed record Product
{
    public required string ProductId { get; init; }
    public required string Title { get; init; }
    /// <summary>Never null after reading (a null/missing description is read as "").</summary>
    public string Description { get; init; } = "";
    public string? Category { get; init; }
    public string Language { get; init; } = "";
    public double Price { get; init; }
    public Condition Condition { get; init; } = Condition.Unknown;
    /// <summary>0–5, null when the seller has no rating.</summary>
    public double? SellerRating { get; init; }
    public int SellerRatingCount { get; init; }
    public int PhotoCount { get; init; }
    public double ListingAgeDays { get; init; }
    /// <summary>Null when the distance is unknown.</summary>
    public double? DistanceKm { get; init; }
    /// <summary>Zero or more image vectors, all of one dimension; empty = missing image modality.</summary>
    public float[][] ImageEmbeddings { get; init; } = [];
}

/// <summary>One shown (query, product) pair of a search session. Engaged rows are positives; shown-not-engaged are hard negatives.</summary>
public sealed record Impression(string SessionId, string Query, string ProductId, int Position, bool Engaged);

/// <summary>A human-style semantic relevance rating: 0 irrelevant, 1 partial, 2 exact.</summary>
public sealed record RelevanceJudgment(string Query, string ProductId, int Rating);
