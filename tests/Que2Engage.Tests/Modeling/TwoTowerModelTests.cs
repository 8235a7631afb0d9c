using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Que2Engage.Tests.Modeling;

public sealed class TwoTowerModelTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-model-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static ModelConfig Tiny(ModelKind kind, bool context = false, bool dropout = false) => new()
    {
        Kind = kind, ContextEncoder = context, ModalityDropout = dropout, DModel = 16, Heads = 2, Ffn = 32,
        QueryLayers = 1, FusionLayers = 1, Que2SearchTextLayers = 1, Dim = 8, QueryMaxTokens = 8, DocMaxTokens = 12,
        ImageDim = 4, Tokenizer = new() { VocabSize = 256, TrigramBuckets = 256 },
    };

    private static readonly Product Full = new()
    {
        ProductId = "full", Title = "red leather sofa", Description = "comfy three seater", Category = "sofa",
        Price = 120, Condition = Condition.Good, SellerRating = 4.5, SellerRatingCount = 12, PhotoCount = 3,
        ListingAgeDays = 4, DistanceKm = 2.5, ImageEmbeddings = [[0.1f, 0.2f, 0.3f, 0.4f], [0.5f, -0.1f, 0f, 1f]],
    };

    public static IEnumerable<object[]> Products() =>
    [
        [Full],
        [Full with { ProductId = "no-image", ImageEmbeddings = [] }],
        [Full with { ProductId = "no-description", Description = "" }],
        [new Product { ProductId = "bare", Title = "" }],
        [Full with { ProductId = "no-context", Price = 0, SellerRating = null, DistanceKm = null, Category = null, Condition = Condition.Unknown, PhotoCount = 0 }],
        [Full with { ProductId = "weird", Price = double.NaN, ListingAgeDays = double.PositiveInfinity, Title = "🛋️ 沙发" }],
    ];

    [Theory]
    [MemberData(nameof(Products))]
    public void EmbeddingsAreFiniteAndUnitNorm(Product product)
    {
        var stats = ContextStatistics.FromCatalogue([Full]);
        foreach (var config in new[] { Tiny(ModelKind.Que2Engage), Tiny(ModelKind.Que2Search), Tiny(ModelKind.Que2Search, context: true) })
        {
            using var model = new TwoTowerModel(config, stats);
            var e = model.EmbedProducts([product, Full])[0];
            Assert.Equal(8, e.Length);
            Assert.All(e, x => Assert.True(float.IsFinite(x)));
            Assert.Equal(1.0, Math.Sqrt(e.Sum(x => (double)x * x)), 4);
            var q = model.EmbedQuery(product.Title);
            Assert.Equal(1.0, Math.Sqrt(q.Sum(x => (double)x * x)), 4);
        }
    }

    [Fact]
    public void TextResidualTowersStartAsTheirPooledText()
    {
        // The residual's last layer starts at zero, so before training Que2Search's document embedding is its pooled
        // text alone: other photos do not move it. Once the projection has weights, they do.
        var stats = ContextStatistics.FromCatalogue([Full]);
        var config = Tiny(ModelKind.Que2Search) with { Dim = 16, MeanPooling = true, TextResidual = true };
        using var model = new TwoTowerModel(config, stats);
        var otherPhotos = Full with { ImageEmbeddings = [[1f, -1f, 2f, 0f]] };
        var e = model.EmbedProducts([Full, otherPhotos]);
        Assert.Equal(16, e[0].Length);
        Assert.Equal(e[0], e[1]);
        using (no_grad())
            model.named_parameters().First(p => p.name == "documentTower.projection.weight").parameter.fill_(0.1);
        e = model.EmbedProducts([Full, otherPhotos]);
        Assert.NotEqual(e[0], e[1]);

        // Que2Engage's early-fusion tower: the text positions' mean plus a zero-initialised [CLS] projection.
        using var q2e = new TwoTowerModel(Tiny(ModelKind.Que2Engage) with { Dim = 16, MeanPooling = true, TextResidual = true }, stats);
        Assert.All(q2e.named_parameters().First(p => p.name == "documentTower.projection.weight").parameter.data<float>().ToArray(), x => Assert.Equal(0f, x));
        var v = q2e.EmbedProducts([Full])[0];
        Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);

        Assert.Throws<InvalidInputException>(() => (Tiny(ModelKind.Que2Search) with { MeanPooling = true, TextResidual = true }).Validate());   // D 8 ≠ d 16
    }

    [Fact]
    public void ModalityDropoutOnlyInTrainingMode()
    {
        using var model = new TwoTowerModel(Tiny(ModelKind.Que2Engage, dropout: true) with { TextDropRate = 1, ContextDropRate = 1, ImageDropRate = 1 }, ContextStatistics.FromCatalogue([Full]));
        // Same token count and image count as Full (so only content differs, not the attention mask).
        var other = Full with { Title = "blue leather desk", Price = 5, Condition = Condition.New, ImageEmbeddings = [[1f, 1f, 1f, 1f], [0f, 0f, 2f, 0f]] };
        var features = new[] { model.Featurizer.Product(Full), model.Featurizer.Product(other), model.Featurizer.Product(Full) };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        model.train();
        var trained = model.EncodeDocuments(features);
        // All modalities dropped: every document sees only [CLS] and type embeddings, so inputs no longer matter.
        // (BatchNorm in training mode is per-batch, but its output is zeroed too.)
        Assert.True((trained[0] - trained[1]).abs().max().item<float>() < 1e-5);

        model.eval();
        var inferred = model.EncodeDocuments(features);
        Assert.True((inferred[0] - inferred[1]).abs().max().item<float>() > 1e-3);
        Assert.True((inferred[0] - inferred[2]).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void DroppedTextIsMaskedOutOfAttentionLikeMissingText()
    {
        // Text always dropped, image and context kept: the embedding must not depend on the text at all — not even on
        // how many tokens it had (zeroed-but-attended tokens would still change [CLS] through the padding mask).
        using var model = new TwoTowerModel(Tiny(ModelKind.Que2Engage, dropout: true) with { TextDropRate = 1, ContextDropRate = 0, ImageDropRate = 0 }, ContextStatistics.FromCatalogue([Full]));
        var longer = Full with { Title = "a much longer title about a green velvet corner sofa", Description = "" };
        var features = new[] { model.Featurizer.Product(Full), model.Featurizer.Product(longer) };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.train();
        var trained = model.EncodeDocuments(features);
        Assert.True((trained[0] - trained[1]).abs().max().item<float>() < 1e-5);
        model.eval();
        var inferred = model.EncodeDocuments(features);
        Assert.True((inferred[0] - inferred[1]).abs().max().item<float>() > 1e-3);
    }

    [Theory]
    [InlineData(ModelKind.Que2Engage, false)]
    [InlineData(ModelKind.Que2Engage, true)]
    [InlineData(ModelKind.Que2Search, true)]
    public void PaddingDocumentsToTheBatchsLongestLeavesTheLossUnchanged(ModelKind kind, bool prior)
    {
        var lamp = Full with { ProductId = "lamp", Title = "lamp", Description = "", ImageEmbeddings = [] };
        var chair = Full with { ProductId = "chair", Title = "oak chair", Description = "sturdy" };
        var sofa = Full with { Description = "" };
        using var model = new TwoTowerModel(Tiny(kind) with { EngagementPrior = prior }, ContextStatistics.FromCatalogue([sofa, lamp, chair]));
        var docs = new[] { sofa, lamp, chair }.Select(model.Featurizer.Product).ToList();
        var queries = new[] { "red sofa", "lamp", "chair" }.Select(model.Featurizer.Query).ToList();
        using var scope = NewDisposeScope();
        long shortLength = model.Featurizer.ToTensors(docs).Tokens.shape[1], budget = model.Featurizer.ToTensors(docs, padToBudget: true).Tokens.shape[1];
        Assert.True(shortLength < budget, $"{shortLength} vs {budget}");
        model.train();
        double Loss(bool padToBudget)
        {
            torch.manual_seed(1);
            var q = model.EncodeQueries(queries);
            var (d, g) = model.EncodeDocumentsWithPrior(docs, padToBudget);
            var engaged = torch.tensor(new[] { true, false, true });
            return MultitaskLoss.Compute(q, d, engaged, model.EngagementBias, 20, 0.8, 0.2, prior: g).Total.item<float>();
        }
        double shortest = Loss(false), padded = Loss(true);
        Assert.True(Math.Abs(shortest - padded) < 1e-5, $"{shortest} vs {padded}");
    }

    [Fact]
    public void SaveLoadRoundTripGivesIdenticalEmbeddings()
    {
        var stats = ContextStatistics.FromCatalogue([Full, Full with { ProductId = "b", Price = 10 }]);
        using var model = new TwoTowerModel(Tiny(ModelKind.Que2Engage), stats);
        // A training-mode forward moves BatchNorm's running statistics away from their initial values, so the
        // comparison below also proves buffers (not only parameters) are saved.
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            model.train();
            model.EncodeDocuments([model.Featurizer.Product(Full), model.Featurizer.Product(Full with { Price = 3, SellerRating = 1 })]);
            model.eval();
        }
        ModelStore.Save(model, _dir);
        using var loaded = ModelStore.Load(_dir);
        Assert.Equal(model.Config, loaded.Config with { Tokenizer = model.Config.Tokenizer });
        Assert.Equal(model.Config.Tokenizer, loaded.Config.Tokenizer);
        Assert.Equal(stats.GlobalMedianPrice, loaded.ContextStatistics.GlobalMedianPrice);
        Assert.Equal(model.EmbedProducts([Full])[0], loaded.EmbedProducts([Full])[0]);
        Assert.Equal(model.EmbedQueries(["red sofa"])[0], loaded.EmbedQueries(["red sofa"])[0]);
    }

    [Fact]
    public void MissingOrCorruptModelDirNamesTheFile()
    {
        var e = Assert.Throws<InvalidInputException>(() => ModelStore.Load(Path.Combine(_dir, "nope")));
        Assert.Contains("nope", e.Message);

        using (var model = new TwoTowerModel(Tiny(ModelKind.Que2Search), ContextStatistics.FromCatalogue([Full])))
            ModelStore.Save(model, _dir);
        File.WriteAllBytes(Path.Combine(_dir, ModelStore.WeightsFile), [1, 2, 3, 4]);
        e = Assert.Throws<InvalidInputException>(() => ModelStore.Load(_dir));
        Assert.Contains(ModelStore.WeightsFile, e.Message);

        File.WriteAllText(Path.Combine(_dir, ModelStore.ConfigFile), "{ not json");
        e = Assert.Throws<InvalidInputException>(() => ModelStore.Load(_dir));
        Assert.Contains(ModelStore.ConfigFile, e.Message);
    }

    [Fact]
    public void ConcurrentInferenceMatchesSequential()
    {
        using var model = new TwoTowerModel(Tiny(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([Full]));
        var queries = Enumerable.Range(0, 20).Select(i => $"query {i}").ToArray();
        var expected = queries.Select(model.EmbedQuery).ToArray();
        var actual = new float[queries.Length][];
        Parallel.For(0, queries.Length, i => actual[i] = model.EmbedQuery(queries[i]));
        // Same vectors up to float rounding: a pool thread may run libtorch's kernels with another OpenMP thread count
        // (an OpenMP setting is per thread) than the test thread, which changes summation order, not results.
        for (int i = 0; i < queries.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.Equal(expected[i][j], actual[i][j], 5);
    }

    [Fact]
    public void ContextFeaturesUseCategoryMedianAndFlagsMissing()
    {
        var catalogue = Enumerable.Range(1, 5).Select(i => Full with { ProductId = $"s{i}", Price = 100 * i }).ToList();
        var stats = ContextStatistics.FromCatalogue(catalogue);
        Assert.Equal(300, stats.MedianPriceFor("sofa"));
        Assert.Equal(300, stats.MedianPriceFor("unknown-category"));
        var f = ContextFeatures.Compute(Full with { Price = 300, SellerRating = null, DistanceKm = null }, stats);
        Assert.Equal(ContextFeatures.Dimension, f.Length);
        Assert.Equal(0f, f[1], 5);     // exactly the category median
        Assert.Equal(1f, f[8]);        // rating missing
        Assert.Equal(1f, f[13]);       // distance missing
        Assert.Equal(1f, f[2 + (int)Condition.Good]);
    }

    [Fact]
    public void WrongImageDimensionIsAnInputError()
    {
        using var model = new TwoTowerModel(Tiny(ModelKind.Que2Engage), ContextStatistics.FromCatalogue([Full]));
        var e = Assert.Throws<InvalidInputException>(() => model.EmbedProducts([Full with { ImageEmbeddings = [[1f, 2f]] }]));
        Assert.Contains("full", e.Message);
    }
}
