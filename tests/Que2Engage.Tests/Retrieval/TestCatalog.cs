using Que2Engage.Data;

namespace Que2Engage.Tests.Retrieval;

/// <summary>A small multilingual catalog with deliberate lexical / semantic overlaps.</summary>
internal static class TestCatalog
{
    public static Product P(string id, string title, string description = "", string? category = null, double price = 100,
        Condition condition = Condition.Good, double? rating = 4.5, string language = "en") => new()
    {
        ProductId = id, Title = title, Description = description, Category = category, Price = price,
        Condition = condition, SellerRating = rating, Language = language, SellerRatingCount = 10, PhotoCount = 3,
    };

    public static List<Product> Small() =>
    [
        P("p1", "Red leather sofa", "Three seat couch, barely used", "furniture"),
        P("p2", "Sofá de cuero rojo", "Sofá de tres plazas", "furniture", language: "es"),
        P("p3", "Canapé en cuir", "Canapé deux places, très bon état", "furniture", language: "fr"),
        P("p4", "Oak dining table", "Solid oak, seats six", "furniture"),
        P("p5", "Mountain bike 29 inch", "Aluminium frame, disc brakes", "bikes", price: 350),
        P("p6", "Kids bike with stabilisers", "Blue, 16 inch wheels", "bikes", price: 60),
        P("p7", "iPhone 12 128GB", "Unlocked, small scratch on the back", "phones", price: 300, condition: Condition.Fair),
        P("p8", "Samsung Galaxy S21", "Phone in very good condition", "phones", price: 280, rating: null),
        P("p9", "Wooden bookshelf", "Five shelves, pine", "furniture", price: 40),
        P("p10", "Größe M Winterjacke", "Warme Jacke, kaum getragen", "clothing", language: "de"),
    ];

    /// <summary>n synthetic products with varied titles, for HNSW-backed catalog tests.</summary>
    public static List<Product> Generated(int n, int seed, string prefix = "g")
    {
        string[] nouns = ["sofa", "table", "chair", "lamp", "bike", "phone", "jacket", "desk", "shelf", "bed"];
        string[] adjectives = ["red", "blue", "oak", "leather", "vintage", "modern", "small", "large", "black", "white"];
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i =>
            P($"{prefix}{i}", $"{adjectives[rng.Next(10)]} {adjectives[rng.Next(10)]} {nouns[rng.Next(10)]} {i}", $"item number {i}", nouns[rng.Next(10)], price: rng.Next(10, 500)))
            .ToList();
    }
}
