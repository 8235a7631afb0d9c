using System.Diagnostics;
using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// Generates a simulated marketplace into a data directory (DESIGN §2–3): products, train/eval impressions, eval
/// relevance ratings and world.json. Deterministic: same settings → byte-identical files. Products are streamed
/// (only ≈ 10 bytes of hidden truth per product stay in memory), so catalog size is bounded by disk, not RAM.
/// </summary>
public static class MarketplaceGenerator
{
    private const int ProductBatch = 4096;

    public static GenerationSummary Generate(WorldSettings settings, string outDir, IProgress<GenerationProgress>? progress = null, GenerationOptions? options = null)
    {
        settings.Validate();
        if (string.IsNullOrWhiteSpace(outDir)) throw new InvalidInputException("an output directory is required.");
        options ??= new GenerationOptions();
        var clock = Stopwatch.StartNew();
        var taxonomy = Taxonomy.Default;
        string ext = options.Format == TableFileFormat.Jsonl ? ".jsonl" : ".parquet";
        string productsPath = Path.Combine(outDir, "products" + ext);
        string trainPath = Path.Combine(outDir, "train", "impressions" + ext);
        string evalPath = Path.Combine(outDir, "eval", "impressions" + ext);
        string relevancePath = Path.Combine(outDir, "eval", "relevance" + ext);
        string worldPath = Path.Combine(outDir, "world.json");

        // 1. Products: synthesised in parallel batches (each has its own random stream), written in id order.
        var catalog = new CatalogTruth(settings.Products);
        var byLanguage = new int[Languages.Count];
        int withoutImages = 0;
        var synthesizer = new ProductSynthesizer(settings, taxonomy);
        using (var writer = DataWriters.Products(productsPath))
        {
            var batch = new SynthesizedProduct[ProductBatch];
            for (int start = 0; start < settings.Products; start += ProductBatch)
            {
                int count = Math.Min(ProductBatch, settings.Products - start);
                Parallel.For(0, count, j => batch[j] = synthesizer.Create(start + j));
                for (int j = 0; j < count; j++)
                {
                    var sp = batch[j];
                    writer.Write(sp.Product);
                    catalog.Set(start + j, sp.Traits, (float)sp.RawAttractiveness);
                    byLanguage[Array.IndexOf(Languages.Codes, sp.Product.Language)]++;
                    if (sp.Product.ImageEmbeddings.Length == 0) withoutImages++;
                    batch[j] = default;
                }
                progress?.Report(new("products", start + count, settings.Products));
            }
        }
        catalog.Standardise();

        // 2. Queries, split into train and held-out eval queries.
        progress?.Report(new("queries", 0, settings.Queries));
        var queries = QuerySynthesizer.Create(settings, taxonomy, catalog);
        progress?.Report(new("queries", queries.Count, settings.Queries));

        // 3. Sessions.
        var simulator = new SessionSimulator(settings, taxonomy, catalog, queries);
        int k = settings.ShownPerSession;
        var sessionQuery = simulator.DrawSessionQueries();
        var shown = new int[sessionQuery.Length * k];
        var engaged = new bool[shown.Length];
        var sessionProgress = progress is null ? null : new InlineProgress<long>(d => progress.Report(new("sessions", d, settings.Sessions)));
        simulator.Simulate(sessionQuery, shown, engaged, sessionProgress, options.OnImpression);

        var shownByRelevance = new long[3];
        long engagedCount = 0;
        int trainSessions = 0, evalSessions = 0;
        using (var train = DataWriters.Impressions(trainPath))
        using (var eval = DataWriters.Impressions(evalPath))
        {
            for (int s = 0; s < sessionQuery.Length; s++)
            {
                var q = queries[sessionQuery[s]];
                var target = q.IsEval ? eval : train;
                if (q.IsEval) evalSessions++; else trainSessions++;
                string sessionId = $"s{s:D7}";
                for (int pos = 1; pos <= k; pos++)
                {
                    int p = shown[s * k + pos - 1];
                    bool e = engaged[s * k + pos - 1];
                    target.Write(new Impression(sessionId, q.Text, ProductSynthesizer.ProductId(p), pos, e));
                    shownByRelevance[RelevanceRule.Rate(q.Intent, catalog.Traits(p))]++;
                    if (e) engagedCount++;
                }
            }
        }

        // 4. Rated pairs for eval queries.
        var ratedByRelevance = new long[3];
        int evalQueries = queries.Count(q => q.IsEval);
        progress?.Report(new("relevance", 0, evalQueries));
        using (var writer = DataWriters.Relevance(relevancePath))
        {
            foreach (var judgment in new RelevancePairSampler(settings, taxonomy, catalog).Sample(queries))
            {
                writer.Write(judgment);
                ratedByRelevance[judgment.Rating]++;
            }
        }
        progress?.Report(new("relevance", evalQueries, evalQueries));

        // 5. The hidden truth.
        progress?.Report(new("world", 0, 1));
        new World(settings, taxonomy, catalog, new GeneratedProductIds(settings.Products), queries).Save(worldPath);
        progress?.Report(new("world", 1, 1));

        return new GenerationSummary
        {
            OutputDirectory = Path.GetFullPath(outDir),
            Files = [productsPath, trainPath, evalPath, relevancePath, worldPath],
            Products = settings.Products,
            ProductsWithoutImages = withoutImages,
            Queries = queries.Count,
            EvalQueries = evalQueries,
            TrainSessions = trainSessions,
            EvalSessions = evalSessions,
            Impressions = shown.Length,
            Engaged = engagedCount,
            ShownByRelevance = shownByRelevance,
            RatedByRelevance = ratedByRelevance,
            ProductsByLanguage = Languages.Codes.Select((l, i) => (l, byLanguage[i])).Where(x => x.Item2 > 0).ToArray(),
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Reports synchronously on the calling thread (unlike <see cref="Progress{T}"/>, which posts to a context).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
