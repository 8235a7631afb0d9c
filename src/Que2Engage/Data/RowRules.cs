namespace Que2Engage.Data;

/// <summary>
/// Value rules of DESIGN §2 on typed rows, shared by the writers (refuse to write bad rows) and the readers
/// (after a raw row was converted). Returns the first broken rule, or null when the row is valid.
/// Cross-row rules (unique ids, one image dimension, known product ids) live in the readers and the dataset.
/// </summary>
internal static class RowRules
{
    public static DataProblem? Check(Product p)
    {
        if (string.IsNullOrEmpty(p.ProductId)) return Bad(ProductColumns.ProductId, "must be a non-empty string");
        if (p.Title is null) return Bad(ProductColumns.Title, "must not be null");
        if (p.Description is null) return Bad(ProductColumns.Description, "must not be null (use \"\")");
        if (p.Language is null) return Bad(ProductColumns.Language, "must not be null");
        if (!double.IsFinite(p.Price) || p.Price < 0) return Bad(ProductColumns.Price, $"must be a finite number >= 0, got {Show(p.Price)}");
        if (!Enum.IsDefined(p.Condition)) return Bad(ProductColumns.Condition, $"unknown condition {(int)p.Condition}");
        if (p.SellerRating is double r && (!double.IsFinite(r) || r < 0 || r > 5))
            return Bad(ProductColumns.SellerRating, $"must be null or between 0 and 5, got {Show(r)}");
        if (p.SellerRatingCount < 0) return Bad(ProductColumns.SellerRatingCount, $"must be >= 0, got {p.SellerRatingCount}");
        if (p.PhotoCount < 0) return Bad(ProductColumns.PhotoCount, $"must be >= 0, got {p.PhotoCount}");
        if (!double.IsFinite(p.ListingAgeDays) || p.ListingAgeDays < 0)
            return Bad(ProductColumns.ListingAgeDays, $"must be a finite number >= 0, got {Show(p.ListingAgeDays)}");
        if (p.DistanceKm is double d && (!double.IsFinite(d) || d < 0))
            return Bad(ProductColumns.DistanceKm, $"must be null or a finite number >= 0, got {Show(d)}");
        return CheckImages(p.ImageEmbeddings);
    }

    static DataProblem? CheckImages(float[][]? images)
    {
        if (images is null) return Bad(ProductColumns.ImageEmbeddings, "must not be null (use an empty list for no image)");
        int dim = -1;
        for (int i = 0; i < images.Length; i++)
        {
            var v = images[i];
            if (v is null || v.Length == 0) return Bad(ProductColumns.ImageEmbeddings, $"image {i} is an empty vector");
            if (dim >= 0 && v.Length != dim)
                return Bad(ProductColumns.ImageEmbeddings, $"image {i} has dimension {v.Length} but image 0 has {dim}");
            dim = v.Length;
            for (int j = 0; j < v.Length; j++)
                if (!float.IsFinite(v[j])) return Bad(ProductColumns.ImageEmbeddings, $"image {i} element {j} is {Show(v[j])} (must be finite)");
        }
        return null;
    }

    public static DataProblem? Check(Impression i)
    {
        if (string.IsNullOrEmpty(i.SessionId)) return Bad(ImpressionColumns.SessionId, "must be a non-empty string");
        if (string.IsNullOrWhiteSpace(i.Query)) return Bad(ImpressionColumns.Query, "must be a non-empty string");
        if (string.IsNullOrEmpty(i.ProductId)) return Bad(ImpressionColumns.ProductId, "must be a non-empty string");
        if (i.Position < 1) return Bad(ImpressionColumns.Position, $"must be >= 1, got {i.Position}");
        return null;
    }

    public static DataProblem? Check(RelevanceJudgment j)
    {
        if (string.IsNullOrWhiteSpace(j.Query)) return Bad(RelevanceColumns.Query, "must be a non-empty string");
        if (string.IsNullOrEmpty(j.ProductId)) return Bad(RelevanceColumns.ProductId, "must be a non-empty string");
        if (j.Rating is < 0 or > 2) return Bad(RelevanceColumns.Rating, $"must be 0, 1 or 2, got {j.Rating}");
        return null;
    }

    /// <summary>A broken rule of one row; the reader or writer that applies the rules adds file and row.</summary>
    static DataProblem Bad(string field, string message) => new("", 0, field, message);

    static string Show(double x) => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
