using Que2Engage.Modeling;
using Que2Engage.Data;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

/// <summary>
/// A tiny hand-built marketplace: 4 categories × 24 products; a session queries one category and is shown 6 of its
/// products; a shown product is engaged exactly when it is cheaper than its category's median price — so engagement
/// is learnable only from the context features, and relevance only from the text.
/// </summary>
public sealed class ToyWorld
{
    public List<Product> Products { get; } = [];
    public List<Impression> Train { get; } = [];
    public List<Impression> Eval { get; } = [];

    private static readonly string[] Categories = ["sofa", "bike", "lamp", "desk"];
    private static readonly string[] Colours = ["red", "blue", "green", "black", "white", "grey"];

    public ToyWorld(int trainSessions = 300, int evalSessions = 60, int seed = 7)
    {
        var rng = new Random(seed);
        for (int c = 0; c < Categories.Length; c++)
            for (int k = 0; k < 24; k++)
            {
                bool cheap = k % 2 == 0;
                Products.Add(new Product
                {
                    ProductId = $"{Categories[c]}-{k}",
                    Title = $"{Colours[k % Colours.Length]} {Categories[c]}",
                    Description = k % 3 == 0 ? "" : $"nice {Categories[c]} for sale",
                    Category = Categories[c],
                    Price = (cheap ? 20 : 200) * (1 + c) * (0.8 + 0.4 * rng.NextDouble()),
                    Condition = Condition.Good,
                    SellerRating = 4.0,
                    SellerRatingCount = 10,
                    PhotoCount = 2,
                    ListingAgeDays = 5,
                    DistanceKm = 3,
                    ImageEmbeddings = k % 4 == 0 ? [] : [Enumerable.Range(0, 8).Select(i => (float)Math.Sin(i + c)).ToArray()],
                });
            }
        Sessions(Train, trainSessions, rng, "t");
        Sessions(Eval, evalSessions, rng, "e");
    }

    private void Sessions(List<Impression> into, int count, Random rng, string prefix)
    {
        for (int s = 0; s < count; s++)
        {
            int c = rng.Next(Categories.Length);
            string query = rng.Next(2) == 0 ? Categories[c] : $"{Colours[rng.Next(Colours.Length)]} {Categories[c]}";
            var shown = Enumerable.Range(0, 24).OrderBy(_ => rng.Next()).Take(6).ToList();
            for (int pos = 0; pos < shown.Count; pos++)
            {
                int k = shown[pos];
                into.Add(new Impression($"{prefix}{s}", query, $"{Categories[c]}-{k}", pos + 1, Engaged: k % 2 == 0));
            }
        }
    }

    /// <summary>Options for a tiny, fast model.</summary>
    public static TrainingOptions TinyOptions(ModelKind kind = ModelKind.Que2Engage, ITrainingObjective? objective = null) => new()
    {
        Model = kind,
        Objective = objective ?? TrainingObjectives.Multitask,
        Steps = 40,
        Overrides = new()
        {
            BatchSize = 32,
            LearningRate = 3e-3,
            DModel = 32,
            Heads = 2,
            Ffn = 64,
            QueryLayers = 1,
            FusionLayers = 1,
            Dim = 16,
            QueryMaxTokens = 8,
            DocMaxTokens = 12,
            VocabSize = 512,
            TrigramBuckets = 512,
        },
        Threads = 1,
        CheckpointEvery = 1000,
    };
}

internal static class TrainingOptionsTestExtensions
{
    /// <summary><paramref name="options"/> with its model overrides changed by <paramref name="change"/>.</summary>
    public static TrainingOptions WithOverrides(this TrainingOptions options, Func<ModelConfigOverrides, ModelConfigOverrides> change) =>
        options with { Overrides = change(options.Overrides) };
}
