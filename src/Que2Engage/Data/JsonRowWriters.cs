using System.Text.Json;

namespace Que2Engage.Data;

/// <summary>How each record becomes one JSONL object (keys in schema order, nulls written explicitly).</summary>
internal static class JsonRowWriters
{
    public static void Product(Utf8JsonWriter w, Product p)
    {
        w.WriteStartObject();
        w.WriteString(ProductColumns.ProductId, p.ProductId);
        w.WriteString(ProductColumns.Title, p.Title);
        w.WriteString(ProductColumns.Description, p.Description);
        w.WriteString(ProductColumns.Category, p.Category);
        w.WriteString(ProductColumns.Language, p.Language);
        w.WriteNumber(ProductColumns.Price, p.Price);
        w.WriteString(ProductColumns.Condition, p.Condition.ToWire());
        WriteNullable(w, ProductColumns.SellerRating, p.SellerRating);
        w.WriteNumber(ProductColumns.SellerRatingCount, p.SellerRatingCount);
        w.WriteNumber(ProductColumns.PhotoCount, p.PhotoCount);
        w.WriteNumber(ProductColumns.ListingAgeDays, p.ListingAgeDays);
        WriteNullable(w, ProductColumns.DistanceKm, p.DistanceKm);
        w.WriteStartArray(ProductColumns.ImageEmbeddings);
        foreach (var v in p.ImageEmbeddings)
        {
            w.WriteStartArray();
            foreach (var x in v) w.WriteNumberValue(x);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void Impression(Utf8JsonWriter w, Impression i)
    {
        w.WriteStartObject();
        w.WriteString(ImpressionColumns.SessionId, i.SessionId);
        w.WriteString(ImpressionColumns.Query, i.Query);
        w.WriteString(ImpressionColumns.ProductId, i.ProductId);
        w.WriteNumber(ImpressionColumns.Position, i.Position);
        w.WriteBoolean(ImpressionColumns.Engaged, i.Engaged);
        w.WriteEndObject();
    }

    public static void Relevance(Utf8JsonWriter w, RelevanceJudgment j)
    {
        w.WriteStartObject();
        w.WriteString(RelevanceColumns.Query, j.Query);
        w.WriteString(RelevanceColumns.ProductId, j.ProductId);
        w.WriteNumber(RelevanceColumns.Rating, j.Rating);
        w.WriteEndObject();
    }

    static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is double d) w.WriteNumber(name, d);
        else w.WriteNull(name);
    }
}
