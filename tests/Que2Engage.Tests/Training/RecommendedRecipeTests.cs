using Que2Engage.Evaluation;
using Que2Engage.Experiments;
using Que2Engage.Modeling;
using Que2Engage.Training;
using Que2Engage.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.Training;

/// <summary>
/// The recommended Que2Engage's departures from the paper: engaged pairs as relevance positives, 1:1 engaged batches,
/// the document engagement prior g(d) served as one extra coordinate, the one-way context token, and the recorded
/// loss settings that --resume checks.
/// </summary>
public sealed class RecommendedRecipeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "q2e-recipe-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Dir(string name) => Path.Combine(_dir, name);

    private static TrainingOptions Recommended() =>
        TrainingRecipes.Apply(TrainingRecipe.Recommended, ToyWorld.TinyOptions());

    [Fact]
    public void PaperRecipeIsThePapersAndRecommendedDeparts()
    {
        var paper = TrainingRecipes.Apply(TrainingRecipe.Paper, ToyWorld.TinyOptions() with { CentredRelevance = true, EngagementPrior = true });
        Assert.False(paper.CentredRelevance);
        Assert.Equal(RelevancePositives.Shown, paper.RelevancePositives);
        Assert.Null(paper.EngagedFraction);
        Assert.False(paper.EngagementPrior);

        var rec = Recommended();
        Assert.Equal(ModelKind.Que2Search, rec.Model);   // the late-fusion document tower
        Assert.Equal(RelevancePositives.Engaged, rec.RelevancePositives);
        Assert.Equal(0.5, rec.EngagedFraction);
        Assert.True(rec.EngagementPrior);
        Assert.Equal(0.0, rec.EngagementGradient);
        Assert.Equal(1.0, paper.EngagementGradient);
        // Other models and objectives are left alone.
        var q2s = ToyWorld.TinyOptions(ModelKind.Que2Search, TrainingObjectives.Contrastive);
        Assert.Equal(q2s, TrainingRecipes.Apply(TrainingRecipe.Recommended, q2s));
        // The Table 1 rows keep the paper's recipe; the demo's recommended variant departs.
        Assert.All(ModelVariant.PaperTable1, v => Assert.False(v.Options.EngagementPrior || v.Options.CentredRelevance));
        Assert.True(ModelVariant.Que2EngageRecommended.Options.EngagementPrior);
    }

    [Fact]
    public void StratifiedBatchesHoldTheRequestedShareAndAreRepeatable()
    {
        var examples = Enumerable.Range(0, 100).Select(i => new TrainingExample(i, i, Engaged: i % 5 == 0)).ToList();
        var engaged = new ExampleList([.. examples.Where(e => e.Engaged)]);
        var other = new ExampleList([.. examples.Where(e => !e.Engaged)]);
        var sampler = new StratifiedBatchSampler(engaged, other, 0.5, seed: 3);
        var seen = new HashSet<int>();
        for (int step = 0; step < 5; step++)
        {
            // --batch engaged pairs, plus as many shown-not-engaged ones at f = 0.5.
            var batch = sampler.Batch(step * 16L, 16);
            Assert.Equal(32, batch.Count);
            Assert.Equal(16, batch.Count(e => e.Engaged));
            foreach (var e in batch.Where(e => e.Engaged)) seen.Add(e.Product);
        }
        // 20 engaged examples, 80 engaged draws: every engaged example was visited (each stream is a permutation per epoch).
        Assert.Equal(20, seen.Count);
        Assert.Equal(sampler.Batch(48, 16).Select(e => e.Product), new StratifiedBatchSampler(engaged, other, 0.5, 3).Batch(48, 16).Select(e => e.Product));
        Assert.Equal(16 + 48, new StratifiedBatchSampler(engaged, other, 0.25, 3).Batch(0, 16).Count);
        Assert.Throws<InvalidInputException>(() => new StratifiedBatchSampler(engaged, new ExampleList([]), 0.5, 1));
        Assert.Throws<InvalidInputException>(() => new StratifiedBatchSampler(engaged, other, 1.0, 1));
    }

    [Fact]
    public void RelevanceRowsAndPriorEnterTheLossAsWritten()
    {
        using var scope = NewDisposeScope();
        const double s = 20;
        var q = nn.functional.normalize(torch.tensor(new float[] { 1, 0.2f, 0.3f, 1, -0.5f, 0.4f }, [3, 2]), p: 2, dim: 1);
        var d = nn.functional.normalize(torch.tensor(new float[] { 0.9f, 0.1f, 0.2f, 1.1f, 1, 1 }, [3, 2]), p: 2, dim: 1);
        var y = torch.tensor(new[] { true, false, true });
        var prior = torch.tensor(new float[] { 0.5f, -1f, 2f });
        var bias = torch.tensor(new float[] { -0.3f });
        var parts = MultitaskLoss.Compute(q, d, y, bias, s, 0.8, 0.2, centreDocuments: false, relevanceRows: y, prior: prior);

        var logits = q.matmul(d.t()) * s;
        var perRow = nn.functional.cross_entropy(logits, arange(3, dtype: ScalarType.Int64), reduction: nn.Reduction.None);
        double expectedRel = (perRow[0].item<float>() + perRow[2].item<float>()) / 2;   // engaged rows only
        Assert.Equal(expectedRel, parts.Relevance.item<float>(), 4);

        var kappa = (q * d).sum(1);
        double expectedEng = 0;
        for (int i = 0; i < 3; i++)
        {
            double z = kappa[i].item<float>() * s + prior[i].item<float>() - 0.3;
            double label = i == 1 ? 0 : 1;
            expectedEng += -(label * Math.Log(1 / (1 + Math.Exp(-z))) + (1 - label) * Math.Log(1 - 1 / (1 + Math.Exp(-z))));
        }
        Assert.Equal(expectedEng / 3, parts.Engagement.item<float>(), 4);

        var none = ContrastiveLoss.FromLogits(logits, rows: torch.tensor(new[] { false, false, false }));
        Assert.Equal(0, none.item<float>());
    }

    [Theory]
    [InlineData(ModelKind.Que2Search)]
    [InlineData(ModelKind.Que2Engage)]
    public void ThePriorIsOneExtraCoordinateAndTheWeightDialsIt(ModelKind tower)
    {
        var world = new ToyWorld(trainSessions: 40);
        var config = (Recommended() with { Model = tower }).BuildModelConfig(8);
        Assert.True(config.EngagementPrior);
        using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(world.Products));
        Assert.Equal(config.ServingEngagementWeight, model.EngagementWeight);
        Assert.Equal(config.Dim + 1, model.Dimension);
        Assert.Equal(1, ((IEmbeddingModel)model).ExtraCoordinates);

        var products = world.Products.Take(4).ToList();
        var docs = model.EmbedProducts(products);
        model.EngagementWeight = 0.5;
        var query = model.EmbedQueries(["red sofa"])[0];
        Assert.Equal(0.5f, query[^1]);
        using (var scope = NewDisposeScope())
        {
            model.eval();
            using var noGrad = no_grad();
            var (embedding, prior) = model.EncodeDocumentsWithPrior(products.Select(model.Featurizer.Product).ToList());
            for (int i = 0; i < products.Count; i++)
            {
                Assert.Equal(prior![i].item<float>() / (float)config.Scale, docs[i][^1], 5);
                // The embedding part stays unit length; the prior coordinate is not normalised with it.
                Assert.Equal(1.0, Math.Sqrt(docs[i].Take(config.Dim).Sum(x => (double)x * x)), 4);
                Assert.Equal(embedding[i, 0].item<float>(), docs[i][0], 5);
            }
        }
    }

    [Fact]
    public void ThePriorDoesNotReshapeTheRelevanceEmbedding()
    {
        var world = new ToyWorld(trainSessions: 40);
        var config = Recommended().BuildModelConfig(8);
        using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(world.Products));
        using var scope = NewDisposeScope();
        model.train();
        var (_, prior) = model.EncodeDocumentsWithPrior(world.Products.Take(8).Select(model.Featurizer.Product).ToList());
        prior!.sum().backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0);
        // The embedding's own encoders get no gradient from the prior…
        var embeddingEncoders = grads.Where(g => g.Key.Contains("textEncoder") || g.Key.Contains("titleTrigrams") || g.Key.Contains(".images.") || g.Key.Contains("fusion")).ToList();
        Assert.True(embeddingEncoders.Count >= 4, string.Join(", ", grads.Keys));
        Assert.All(embeddingEncoders, g => Assert.False(g.Value, g.Key));
        // …its own photo and context encoders and head do.
        Assert.Contains(grads, g => g.Key.Contains("priorContext") && g.Value);
        Assert.Contains(grads, g => g.Key.Contains("priorImages") && g.Value);
        Assert.Contains(grads, g => g.Key.Contains("priorHead") && g.Value);
    }

    [Fact]
    public void TheRecommendedEmbeddingIsBlindToContextButItsPriorIsNot()
    {
        var world = new ToyWorld(trainSessions: 40);
        var config = Recommended().BuildModelConfig(8);
        using var model = new TwoTowerModel(config, ContextStatistics.FromCatalogue(world.Products));
        var p = world.Products[1];
        var cheap = p with { Price = 1, SellerRating = 5 };
        var dear = p with { Price = 100000, SellerRating = 0.5 };
        var v = model.EmbedProducts([cheap, dear]);
        for (int j = 0; j < config.Dim; j++) Assert.Equal(v[0][j], v[1][j], 5);   // κ does not see the context…
        Assert.NotEqual(v[0][^1], v[1][^1]);                                       // …the prior does.
    }

    [Fact]
    public void RecommendedTrainingLearnsEngagementThroughThePriorAndRecordsItsLoss()
    {
        var world = new ToyWorld();
        var options = Recommended() with { Steps = 80 };
        var result = Trainer.Train(world.Products, world.Train, options, Dir("rec"));
        double first = result.LossCurve.Take(10).Average(), last = result.LossCurve.TakeLast(10).Average();
        Assert.True(last < 0.85 * first, $"loss did not fall: {first:F3} → {last:F3}");

        using var model = ModelStore.Load(Dir("rec"));
        Assert.Equal(options.Loss, LossSettings.Of(ModelStore.ReadManifest(Path.Combine(Dir("rec"), ModelStore.ConfigFile))));
        var byId = world.Products.ToDictionary(p => p.ProductId);
        var q = model.EmbedQueries(world.Eval.Select(i => i.Query).ToList());
        var d = model.EmbedProducts(world.Eval.Select(i => byId[i.ProductId]).ToList());
        // Engagement is "cheaper than the category median" (the toy's titles happen to reveal it too).
        var score = q.Select((qv, i) => (double)qv.Zip(d[i], (a, b) => a * b).Sum()).ToList();
        double auc = AucTestHelper.Auc(score, world.Eval.Select(i => i.Engaged).ToList());
        Assert.True(auc > 0.8, $"engagement AUC of κ + g/s {auc:F3}");
    }

    [Fact]
    public void ResumeRefusesOtherLossSettings()
    {
        var world = new ToyWorld(trainSessions: 60);
        var options = Recommended() with { Steps = 4, CheckpointEvery = 2 };
        Trainer.Train(world.Products, world.Train, options, Dir("r"));
        var e = Assert.Throws<InvalidInputException>(() => Trainer.Train(world.Products, world.Train,
            options with { Steps = 6, Resume = true, CentredRelevance = !options.CentredRelevance }, Dir("r")));
        Assert.Contains("--plain-relevance-softmax", e.Message);
        e = Assert.Throws<InvalidInputException>(() => Trainer.Train(world.Products, world.Train,
            options with { Steps = 6, Resume = true, EngagedFraction = null }, Dir("r")));
        Assert.Contains("--engaged-fraction", e.Message);
        Assert.Equal(6, Trainer.Train(world.Products, world.Train, options with { Steps = 6, Resume = true }, Dir("r")).Steps);
    }

    [Fact]
    public void TheIndexServesThePriorCoordinateAndTheWeightMovesEngagingListingsUp()
    {
        var world = new ToyWorld();
        Trainer.Train(world.Products, world.Train, Recommended() with { Steps = 60 }, Dir("m"));
        using var model = ModelStore.Load(Dir("m"));
        Que2Engage.Retrieval.CatalogIndex.Build(world.Products, model, Dir("idx"), new Que2Engage.Retrieval.IndexBuildOptions { ModelPath = Dir("m") });
        using var index = Que2Engage.Retrieval.CatalogIndex.Open(Dir("idx"));
        Assert.Equal(1, index.Manifest.ExtraCoordinates);
        Assert.Equal(model.Dimension, index.Manifest.Dimension);

        double EngagedShare(double w)
        {
            model.EngagementWeight = w;
            var hits = index.Search("sofa", index.EmbedQuery(model, "sofa"), 10, Que2Engage.Retrieval.SearchMode.Ebr);
            // The served score is κ + w·g/s: the query's last coordinate is w, the document's g/s.
            var docs = model.EmbedProducts(hits.Select(h => world.Products.First(p => p.ProductId == h.Product.ProductId)).ToList());
            var q = model.EmbedQueries(["sofa"])[0];
            for (int i = 0; i < hits.Count; i++)
                Assert.Equal(q.Zip(docs[i], (a, b) => (double)a * b).Sum(), hits[i].EbrScore!.Value, 3);
            return hits.Count(h => int.Parse(h.Product.ProductId.Split('-')[1]) % 2 == 0) / (double)hits.Count;
        }
        // The toy's engaged listings are the cheap ones (even k): weighting the prior can only bring more of them up.
        Assert.True(EngagedShare(1) >= EngagedShare(0), "w = 1 should rank engaging listings at least as high as w = 0");
    }
}
