using System.Diagnostics;
using Que2Engage.Common;
using Que2Engage.Data;

namespace Que2Engage.Simulation;

/// <summary>
/// Generates a simulated marketplace into a data directory (DESIGN §2–3): products, train/eval impressions, eval
/// relevance ratings and world.json. Deterministic: same settings → byte-identical files. Products are streamed
/// (only ≈ 10 bytes of hidden truth per product stay in memory), so catalog size is bounded by disk, not RAM; the
/// impression log is simulated and written in chunks of <see cref="GenerationOptions.SessionsPerChunk"/> sessions, so
/// its memory does not grow with the number of sessions.
/// Atomic: everything is written into a hidden staging sibling (<see cref="StagingDirectory"/>) that is renamed to
/// the output directory only when complete, so a killed run leaves no partial data directory. An existing data
/// directory is replaced only with <see cref="GenerationOptions.Overwrite"/>.
/// </summary>
public static class MarketplaceGenerator
{
    private const int ProgressEvery = 4096;

    public static GenerationSummary Generate(WorldSettings settings, string outDir, IProgress<GenerationProgress>? progress = null, GenerationOptions? options = null)
    {
        settings.Validate();
        if (string.IsNullOrWhiteSpace(outDir)) throw new InvalidInputException("an output directory is required.");
        options ??= new GenerationOptions();
        string target = Path.GetFullPath(outDir);
        DataFiles.CheckReplaceable(target, options.Overwrite, "GenerationOptions.Overwrite");
        return StagingDirectory.Build(target, "generating", staging =>
        {
            var summary = GenerateInto(settings, staging, progress, options);
            return summary with
            {
                OutputDirectory = target,
                Files = summary.Files.Select(f => Path.Combine(target, Path.GetRelativePath(staging, f))).ToList(),
            };
        });
    }

    private static GenerationSummary GenerateInto(WorldSettings settings, string outDir, IProgress<GenerationProgress>? progress, GenerationOptions options)
    {
        var clock = Stopwatch.StartNew();
        var taxonomy = Taxonomy.Default;
        string ext = options.Format == TableFileFormat.Jsonl ? ".jsonl" : ".parquet";
        string productsPath = Path.Combine(outDir, "products" + ext);
        string trainPath = Path.Combine(outDir, "train", "impressions" + ext);
        string evalPath = Path.Combine(outDir, "eval", "impressions" + ext);
        string relevancePath = Path.Combine(outDir, "eval", "relevance" + ext);
        string worldPath = World.PathIn(outDir);

        // 1. Products, streamed in id order. Sequential on purpose: the Parquet writer dominates, and on a shared
        //    2-core machine parallel synthesis measured slower and let the GC heap grow far higher.
        var catalog = new CatalogTruth(settings.Products);
        var byLanguage = new int[Languages.Count];
        int withoutImages = 0;
        var synthesizer = new ProductSynthesizer(settings, taxonomy);
        using (var writer = DataWriters.Products(productsPath))
        {
            for (int i = 0; i < settings.Products; i++)
            {
                var sp = synthesizer.Create(i);
                writer.Write(sp.Product);
                int language = Array.IndexOf(Languages.Codes, sp.Product.Language);
                catalog.Set(i, sp.Traits, language, (float)sp.RawAttractiveness);
                byLanguage[language]++;
                if (sp.Product.ImageEmbeddings.Length == 0) withoutImages++;
                if ((i + 1) % ProgressEvery == 0 || i + 1 == settings.Products)
                    progress?.Report(new("products", i + 1, settings.Products));
            }
        }
        catalog.Standardise();

        // 2. Queries, split into train and held-out eval queries.
        progress?.Report(new("queries", 0, settings.Queries));
        var queries = QuerySynthesizer.Create(settings, taxonomy, catalog);
        progress?.Report(new("queries", queries.Count, settings.Queries));

        // 3. Sessions, simulated and written in chunks of sessions in session order. Why chunks: holding the whole log
        //    (query per session, product and engaged flag per impression, sessions grouped by query) grew with it,
        //    ≈ 300 MB at 3.8M sessions before a row was written; a chunk's arrays bound that memory by the chunk size.
        //    The output is identical for any chunk size: each session has its own random stream
        //    (SimRandom.For(seed, "session", s)), the query draw is one stream kept across chunks, and rows are
        //    written in session order. The cost is one candidate-pool scan per query per chunk instead of per query.
        var simulator = new SessionSimulator(settings, taxonomy, catalog, queries);
        int k = settings.ShownPerSession;
        int chunk = Math.Max(1, Math.Min(options.SessionsPerChunk, settings.Sessions));
        var draw = simulator.SessionQueries();
        var sessionQuery = new int[chunk];
        var shown = new int[chunk * k];
        var engaged = new bool[shown.Length];
        var sessionProgress = progress is null ? null : new InlineProgress<long>(d => progress.Report(new("sessions", d, settings.Sessions)));

        var shownByRelevance = new long[3];
        long engagedCount = 0;
        int trainSessions = 0, evalSessions = 0;
        using (var train = DataWriters.Impressions(trainPath))
        using (var eval = DataWriters.Impressions(evalPath))
        {
            if (settings.Sessions == 0) simulator.Simulate(sessionQuery, shown, engaged, sessionProgress, options.OnImpression, 0, 0);
            for (int first = 0; first < settings.Sessions; first += chunk)
            {
                int count = Math.Min(chunk, settings.Sessions - first);
                for (int i = 0; i < count; i++) sessionQuery[i] = draw.Next();
                simulator.Simulate(sessionQuery, shown, engaged, sessionProgress, options.OnImpression, first, count);
                for (int i = 0; i < count; i++)
                {
                    var q = queries[sessionQuery[i]];
                    var target = q.IsEval ? eval : train;
                    if (q.IsEval) evalSessions++; else trainSessions++;
                    string sessionId = $"s{first + i:D7}";
                    for (int pos = 1; pos <= k; pos++)
                    {
                        int p = shown[i * k + pos - 1];
                        bool e = engaged[i * k + pos - 1];
                        target.Write(new Impression(sessionId, q.Text, ProductSynthesizer.ProductId(p), pos, e));
                        shownByRelevance[RelevanceRule.Rate(q.Intent, catalog.Traits(p))]++;
                        if (e) engagedCount++;
                    }
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
            Impressions = (long)settings.Sessions * k,
            Engaged = engagedCount,
            ShownByRelevance = shownByRelevance,
            RatedByRelevance = ratedByRelevance,
            ProductsByLanguage = Languages.Codes.Select((l, i) => (l, byLanguage[i])).Where(x => x.Item2 > 0).ToArray(),
            Elapsed = clock.Elapsed,
        };
    }
}
