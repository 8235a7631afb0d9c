namespace Que2Engage.Data;

/// <summary>Turns raw rows into records and applies <see cref="RowRules"/>; throws <see cref="RowProblemException"/>.</summary>
internal static class RowMappers
{
    public static Product Product(IRawRow r)
    {
        var conditionText = r.String(ProductColumns.Condition, required: true)!;
        if (!ConditionNames.TryParse(conditionText, out var condition))
            throw new RowProblemException(ProductColumns.Condition,
                $"'{conditionText}' is not one of new, like_new, good, fair, unknown");
        var p = new Product
        {
            ProductId = r.String(ProductColumns.ProductId, required: true)!,
            Title = r.String(ProductColumns.Title, required: true)!,
            Description = r.String(ProductColumns.Description, required: false) ?? "",
            Category = r.String(ProductColumns.Category, required: false),
            Language = r.String(ProductColumns.Language, required: true)!,
            Price = r.Double(ProductColumns.Price, required: true)!.Value,
            Condition = condition,
            SellerRating = r.Double(ProductColumns.SellerRating, required: false),
            SellerRatingCount = r.Int32(ProductColumns.SellerRatingCount),
            PhotoCount = r.Int32(ProductColumns.PhotoCount),
            ListingAgeDays = r.Double(ProductColumns.ListingAgeDays, required: true)!.Value,
            DistanceKm = r.Double(ProductColumns.DistanceKm, required: false),
            ImageEmbeddings = r.Vectors(ProductColumns.ImageEmbeddings),
        };
        return Checked(p, RowRules.Check(p));
    }

    public static Impression Impression(IRawRow r)
    {
        var i = new Impression(
            r.String(ImpressionColumns.SessionId, required: true)!,
            r.String(ImpressionColumns.Query, required: true)!,
            r.String(ImpressionColumns.ProductId, required: true)!,
            r.Int32(ImpressionColumns.Position),
            r.Bool(ImpressionColumns.Engaged, required: true)!.Value);
        return Checked(i, RowRules.Check(i));
    }

    public static RelevanceJudgment Relevance(IRawRow r)
    {
        var j = new RelevanceJudgment(
            r.String(RelevanceColumns.Query, required: true)!,
            r.String(RelevanceColumns.ProductId, required: true)!,
            r.Int32(RelevanceColumns.Rating));
        return Checked(j, RowRules.Check(j));
    }

    static T Checked<T>(T row, DataProblem? problem) => problem is null ? row : throw new RowProblemException(problem);
}
