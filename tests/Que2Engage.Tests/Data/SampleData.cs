using Que2Engage.Data;

namespace Que2Engage.Tests.Data;

/// <summary>Small hand-made tables covering nulls, empty image lists, several image counts and unicode.</summary>
public static class SampleData
{
    public static List<Product> Products(int imageDim = 4) =>
    [
        new Product
        {
            ProductId = "p1", Title = "Vélo de course Ünïcødé 🚲", Description = "très bon état\nline two \"quoted\"",
            Category = "bikes", Language = "fr", Price = 120.5, Condition = Condition.LikeNew, SellerRating = 4.8,
            SellerRatingCount = 12, PhotoCount = 3, ListingAgeDays = 2.25, DistanceKm = 3.5,
            ImageEmbeddings = [Vector(imageDim, 0.1f), Vector(imageDim, -0.7f)],
        },
        new Product
        {
            ProductId = "p2", Title = "sofa", Description = "", Category = null, Language = "en", Price = 0,
            Condition = Condition.Unknown, SellerRating = null, SellerRatingCount = 0, PhotoCount = 0,
            ListingAgeDays = 0, DistanceKm = null, ImageEmbeddings = [],
        },
        new Product
        {
            ProductId = "p3", Title = "iPhone 13 – 128GB", Description = "日本語の説明", Category = "phones", Language = "ja",
            Price = 1e-3, Condition = Condition.Fair, SellerRating = 0, SellerRatingCount = int.MaxValue, PhotoCount = 9,
            ListingAgeDays = 365.000001, DistanceKm = 0, ImageEmbeddings = [Vector(imageDim, 3.14159f)],
        },
        new Product
        {
            ProductId = "p4", Title = "", Language = "en", Price = 1e9, Condition = Condition.New, SellerRating = 5,
            ListingAgeDays = 1, ImageEmbeddings = [Vector(imageDim, 1e-30f), Vector(imageDim, 2f), Vector(imageDim, float.Epsilon)],
        },
    ];

    static float[] Vector(int dim, float seed)
    {
        var v = new float[dim];
        for (int i = 0; i < dim; i++) v[i] = seed * (i + 1) / 3f;
        return v;
    }

    public static List<Impression> Impressions() =>
    [
        new("s1", "road bike", "p1", 1, true),
        new("s1", "road bike", "p2", 2, false),
        new("s2", "téléphone 📱", "p3", 1, false),
        new("s2", "téléphone 📱", "p4", 7, true),
    ];

    public static List<RelevanceJudgment> Relevance() =>
    [
        new("road bike", "p1", 2),
        new("road bike", "p2", 0),
        new("téléphone 📱", "p3", 1),
    ];

    public static void Write<T>(ITableWriter<T> writer, IEnumerable<T> rows)
    {
        using (writer)
            foreach (var r in rows) writer.Write(r);
    }

    /// <summary>Writes a complete valid data directory in the given format ("parquet" or "jsonl").</summary>
    public static void WriteDirectory(string dir, string ext)
    {
        Write(DataWriters.Products(Path.Combine(dir, "products." + ext)), Products());
        Write(DataWriters.Impressions(Path.Combine(dir, "train", "impressions." + ext)), Impressions());
        Write(DataWriters.Impressions(Path.Combine(dir, "eval", "impressions." + ext)), Impressions().Take(2));
        Write(DataWriters.Relevance(Path.Combine(dir, "eval", "relevance." + ext)), Relevance());
    }

    /// <summary>Structural equality for products (records compare arrays by reference).</summary>
    public static void AssertSame(Product expected, Product actual)
    {
        Assert.Equal(expected with { ImageEmbeddings = [] }, actual with { ImageEmbeddings = [] });
        Assert.Equal(expected.ImageEmbeddings.Length, actual.ImageEmbeddings.Length);
        for (int i = 0; i < expected.ImageEmbeddings.Length; i++)
            Assert.Equal(expected.ImageEmbeddings[i], actual.ImageEmbeddings[i]);
    }
}
