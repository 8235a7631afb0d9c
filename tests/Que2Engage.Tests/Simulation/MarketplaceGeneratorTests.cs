using Que2Engage.Data;
using Que2Engage.Simulation;

namespace Que2Engage.Tests.Simulation;

public class MarketplaceGeneratorTests(SmallWorldFixture world) : IClassFixture<SmallWorldFixture>
{
    private static readonly string[] TableFiles =
        ["products.parquet", "train/impressions.parquet", "eval/impressions.parquet", "eval/relevance.parquet", DataFiles.WorldFile];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "q2e-sim-" + Guid.NewGuid().ToString("N"));

    private static readonly WorldSettings Tiny = new() { Products = 600, Queries = 120, Sessions = 300, Seed = 11 };

    [Fact]
    public void SameSettingsGiveByteIdenticalFiles_AndAnotherSeedDoesNot()
    {
        string a = TempDir(), b = TempDir(), c = TempDir();
        try
        {
            MarketplaceGenerator.Generate(Tiny, a);
            MarketplaceGenerator.Generate(Tiny, b);
            MarketplaceGenerator.Generate(Tiny with { Seed = 12 }, c);
            foreach (var f in TableFiles)
            {
                var bytesA = File.ReadAllBytes(Path.Combine(a, f));
                Assert.True(bytesA.Length > 0, f);
                Assert.True(bytesA.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between identical runs");
                Assert.False(bytesA.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(c, f))), $"{f} identical across seeds");
            }
        }
        finally
        {
            foreach (var d in new[] { a, b, c }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void ParquetWorldLoadsAndValidatesThroughTheDataReaders()
    {
        string dir = TempDir();
        try
        {
            var summary = MarketplaceGenerator.Generate(Tiny, dir);
            var validation = Que2Engage.Data.DataValidator.Validate(dir);
            Assert.True(validation.IsValid, string.Join("; ", validation.Problems.Select(p => p.ToString())));
            var data = Que2Engage.Data.MarketplaceDataset.Load(dir);
            Assert.Equal(Tiny.Products, data.Products.Count);
            Assert.Equal(Tiny.Sessions * Tiny.ShownPerSession, data.TrainImpressions.Count + data.EvalImpressions.Count);
            Assert.Equal(summary.Engaged, data.TrainImpressions.Concat(data.EvalImpressions).LongCount(i => i.Engaged));
            Assert.Equal(summary.RatedByRelevance.Sum(), data.Relevance.Count);
            Assert.Equal(64, data.ImageDimension);
            var world = World.Load(World.PathIn(dir));
            Assert.All(data.Products.Take(50), p => Assert.Equal(p.Category, world.Taxonomy.Categories[world.Traits(p.ProductId).Category].Name));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RefusesToMixFormatsInOneDirectory()
    {
        // The fixture's directory holds JSONL tables; a Parquet run there would leave two catalogs side by side.
        var e = Assert.Throws<InvalidInputException>(() => MarketplaceGenerator.Generate(Tiny, world.Dir));
        Assert.Contains("products.jsonl", e.Message);
        Assert.False(File.Exists(Path.Combine(world.Dir, "products.parquet")));
    }

    [Fact]
    public void JsonlOutputIsAlsoDeterministic()
    {
        string a = TempDir();
        try
        {
            MarketplaceGenerator.Generate(SmallWorldFixture.Settings, a, null, new GenerationOptions { Format = TableFileFormat.Jsonl });
            foreach (var f in new[] { "products.jsonl", "train/impressions.jsonl", "eval/impressions.jsonl", "eval/relevance.jsonl", DataFiles.WorldFile })
                Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(world.Dir, f))), f);
        }
        finally
        {
            if (Directory.Exists(a)) Directory.Delete(a, true);
        }
    }

    [Fact]
    public void EngagementRateAmongShownIsPlausible()
    {
        var all = world.TrainImpressions.Concat(world.EvalImpressions).ToList();
        Assert.Equal(SmallWorldFixture.Settings.Sessions * SmallWorldFixture.Settings.ShownPerSession, all.Count);
        double rate = all.Average(i => i.GetProperty("engaged").GetBoolean() ? 1.0 : 0.0);
        Assert.InRange(rate, 0.05, 0.35);
    }

    [Fact]
    public void EngagementAmongShownIsDrivenByAttractivenessNotRelevance()
    {
        var rows = world.TrainImpressions.Concat(world.EvalImpressions).Select(i => (
            Query: i.GetProperty("query").GetString()!, Product: i.GetProperty("product_id").GetString()!,
            Engaged: i.GetProperty("engaged").GetBoolean())).ToList();
        var labels = rows.Select(r => r.Engaged).ToList();
        double aucAttractiveness = Auc.Of(rows.Select(r => (double)world.World.Attractiveness(r.Product)).ToList(), labels);
        double aucRelevance = Auc.Of(rows.Select(r => (double)world.World.Relevance(r.Query, r.Product)).ToList(), labels);
        Assert.True(aucAttractiveness >= 0.70, $"A(p) AUC {aucAttractiveness:F3}");
        Assert.True(aucRelevance <= 0.65, $"r(q,p) AUC {aucRelevance:F3}");
        Assert.True(aucRelevance > 0.5, $"relevance should still matter a little, AUC {aucRelevance:F3}");
    }

    [Fact]
    public void ProductionSystemShowsMostlyRelevantProductsWithSomeLexicalFalsePositives()
    {
        var counts = new double[3];
        foreach (var s in world.Samples) counts[s.Relevance]++;
        double n = world.Samples.Count;
        Assert.InRange(counts[2] / n, 0.45, 0.75);
        Assert.InRange(counts[1] / n, 0.12, 0.35);
        Assert.InRange(counts[0] / n, 0.08, 0.22);

        // The r=0 ones are lexical false positives: same language as the query, sharing one of its attribute words.
        var listingLanguage = world.Products.ToDictionary(p => p.GetProperty("product_id").GetString()!, p => p.GetProperty("language").GetString()!);
        var falsePositives = world.Samples.Where(s => s.Relevance == 0).ToList();
        double sameLanguage = falsePositives.Average(s =>
            listingLanguage[ProductSynthesizer.ProductId(s.Product)] == Languages.Codes[world.World.Queries[s.Query].Language] ? 1.0 : 0.0);
        Assert.True(sameLanguage > 0.9, $"same-language share {sameLanguage:F2}");
        var withWords = falsePositives.Where(s => world.World.Queries[s.Query].Intent.SpecifiedAttributes > 0).ToList();
        Assert.All(withWords, s => Assert.True(world.World.Queries[s.Query].Intent.SharesAttributeWith(world.World.Catalog.Traits(s.Product))));
    }

    [Fact]
    public void ListingsUseAtLeastFourLanguagesAndAboutTenPercentHaveNoImages()
    {
        var languages = world.Products.GroupBy(p => p.GetProperty("language").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.True(languages.Count >= 4, string.Join(",", languages.Keys));
        Assert.All(languages.Values, n => Assert.True(n >= 100));
        double noImage = world.Products.Average(p => p.GetProperty("image_embeddings").GetArrayLength() == 0 ? 1.0 : 0.0);
        Assert.InRange(noImage, 0.07, 0.13);
        var dims = world.Products.SelectMany(p => p.GetProperty("image_embeddings").EnumerateArray()).Select(v => v.GetArrayLength()).Distinct();
        Assert.Equal([64], dims);
        Assert.Equal(4, world.World.Queries.Select(q => q.Language).Distinct().Count());
    }

    [Fact]
    public void QueriesContainTyposAndSynonyms()
    {
        var vocabulary = Taxonomy.Default.VocabularyWords();
        var texts = world.World.Queries.Select(q => q.Text).ToList();
        double withUnknownWord = texts.Average(t => TextTokens.Words(t).Any(w => !vocabulary.Contains(w)) ? 1.0 : 0.0);
        Assert.InRange(withUnknownWord, 0.04, 0.30); // ~12% of queries carry one typo

        // Synonyms: within (category, language), searchers use several different nouns.
        var taxonomy = Taxonomy.Default;
        int groupsWithSynonyms = world.World.Queries
            .GroupBy(q => (q.Intent.Category, q.Language))
            .Count(g => g.Select(q => taxonomy.Categories[g.Key.Category].Nouns.Forms(g.Key.Language)
                    .FirstOrDefault(f => q.Text.Contains(f.ToLowerInvariant(), StringComparison.Ordinal)))
                .Where(f => f is not null).Distinct().Count() >= 2);
        Assert.True(groupsWithSynonyms >= 10, $"{groupsWithSynonyms} (category, language) groups use ≥ 2 nouns");

        // Generic to specific.
        var specificity = world.World.Queries.GroupBy(q => q.Intent.SpecifiedAttributes).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(specificity.GetValueOrDefault(0) > 50 && specificity.GetValueOrDefault(2) > 30, string.Join(",", specificity));
    }

    [Fact]
    public void EvalQueriesAreHeldOutFromTraining()
    {
        var train = world.TrainImpressions.Select(i => i.GetProperty("query").GetString()).ToHashSet();
        var eval = world.EvalImpressions.Select(i => i.GetProperty("query").GetString()).ToHashSet();
        Assert.NotEmpty(train);
        Assert.NotEmpty(eval);
        Assert.Empty(train.Intersect(eval));
        var rated = world.Ratings.Select(r => r.GetProperty("query").GetString()).ToHashSet();
        Assert.Empty(rated.Intersect(train));
        Assert.All(world.World.Queries.Where(q => rated.Contains(q.Text)), q => Assert.True(q.IsEval));
    }

    [Fact]
    public void RatedPairsAreHardAndMatchTheWorld()
    {
        var ratings = world.Ratings.Select(r => (Query: r.GetProperty("query").GetString()!, Product: r.GetProperty("product_id").GetString()!,
            Rating: r.GetProperty("rating").GetInt32())).ToList();
        Assert.True(ratings.Count > 500);
        var byRating = ratings.GroupBy(r => r.Rating).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, byRating.Count);
        Assert.True(byRating[1] >= 0.3 * ratings.Count, $"partial matches {byRating[1]} of {ratings.Count}");
        Assert.True(byRating[0] <= 0.3 * ratings.Count);
        // Same category for every 1 and 2: the hard part is the attributes.
        int sameCategoryMismatches = ratings.Count(r => r.Rating == 1 &&
            world.World.Traits(r.Product).Category == Intent(r.Query).Category);
        Assert.Equal(byRating[1], sameCategoryMismatches);
        Assert.All(ratings, r => Assert.Equal(r.Rating, world.World.Relevance(r.Query, r.Product)));
    }

    private QueryIntent Intent(string query) => world.World.TryGetIntent(query, out var i) ? i : throw new Xunit.Sdk.XunitException(query);

    [Fact]
    public void LoadedWorldRecomputesTheGeneratorsProbabilitiesExactly()
    {
        Assert.Equal(world.Samples.Count, world.TrainImpressions.Count + world.EvalImpressions.Count);
        foreach (var s in world.Samples.Where((_, i) => i % 7 == 0))
        {
            string query = world.World.Queries[s.Query].Text;
            string product = ProductSynthesizer.ProductId(s.Product);
            Assert.True(world.World.KnowsQuery(query));
            Assert.Equal(s.Relevance, world.World.Relevance(query, product));
            Assert.Equal(s.Probability, world.World.EngagementProbability(query, product, s.Position));
        }
        // And the probabilities are the ones that produced the written labels.
        double meanPredicted = world.Samples.Average(s => s.Probability);
        double observed = world.Samples.Average(s => s.Engaged ? 1.0 : 0.0);
        Assert.InRange(observed - meanPredicted, -0.015, 0.015);
        var written = world.TrainImpressions.Concat(world.EvalImpressions)
            .ToDictionary(i => (i.GetProperty("session_id").GetString()!, i.GetProperty("position").GetInt32()), i => i.GetProperty("engaged").GetBoolean());
        Assert.All(world.Samples, s => Assert.Equal(s.Engaged, written[($"s{s.Session:D7}", s.Position)]));
    }

    [Fact]
    public void TheWorldAnswersAnyPairIncludingUnshownOnes()
    {
        var q = world.World.Queries[0];
        int exact = 0;
        foreach (var id in world.World.ProductIds)
        {
            int r = world.World.Relevance(q.Text, id);
            if (r == 2) exact++;
            double p1 = world.World.EngagementProbability(q.Text, id, 1), p10 = world.World.EngagementProbability(q.Text, id, 10);
            Assert.InRange(p1, 0, 1);
            Assert.True(p10 < p1, "a lower position must lower the engagement probability");
        }
        Assert.True(exact >= 1, "every intent comes from a real listing, so it has an exact match");
        Assert.False(world.World.KnowsQuery("no such query ever generated"));
        Assert.Throws<InvalidInputException>(() => world.World.Relevance("no such query ever generated", "p0000000"));
        Assert.Throws<InvalidInputException>(() => world.World.Relevance(q.Text, "nope"));
    }

    [Fact]
    public void AttractivenessIsStandardisedAndReflectsVisibleContext()
    {
        var a = world.World.ProductIds.Select(id => (double)world.World.Attractiveness(id)).ToList();
        double mean = a.Average(), sd = Math.Sqrt(a.Average(x => (x - mean) * (x - mean)));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(sd, 0.99, 1.01);
        // Listings with no photo or in fair condition are less attractive on average.
        double Mean(Func<System.Text.Json.JsonElement, bool> pick) =>
            world.Products.Where(pick).Average(p => (double)world.World.Attractiveness(p.GetProperty("product_id").GetString()!));
        Assert.True(Mean(p => p.GetProperty("image_embeddings").GetArrayLength() == 0) < Mean(p => p.GetProperty("image_embeddings").GetArrayLength() > 0) - 0.3);
        Assert.True(Mean(p => p.GetProperty("condition").GetString() == "fair") < Mean(p => p.GetProperty("condition").GetString() == "new") - 0.5);
    }
}
