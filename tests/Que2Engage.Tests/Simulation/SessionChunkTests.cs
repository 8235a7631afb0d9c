using Que2Engage.Data;
using Que2Engage.Simulation;

namespace Que2Engage.Tests.Simulation;

/// <summary>
/// The impression log is simulated and written in chunks of sessions (memory bounded by the chunk size): the chunk
/// size must change nothing in the files, the summary or what <see cref="GenerationOptions.OnImpression"/> sees.
/// </summary>
public class SessionChunkTests
{
    private static readonly WorldSettings Tiny = new() { Products = 600, Queries = 120, Sessions = 300, Seed = 11 };

    private static readonly string[] ParquetFiles =
        ["products.parquet", "train/impressions.parquet", "eval/impressions.parquet", "eval/relevance.parquet", DataFiles.WorldFile];

    private static readonly string[] JsonlFiles =
        ["products.jsonl", "train/impressions.jsonl", "eval/impressions.jsonl", "eval/relevance.jsonl", DataFiles.WorldFile];

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "q2e-chunk-" + Guid.NewGuid().ToString("N"));

    private sealed record Run(string Dir, GenerationSummary Summary, List<SampledImpression> Samples, List<GenerationProgress> Sessions);

    private static Run Generate(string dir, int sessionsPerChunk, TableFileFormat format)
    {
        var samples = new List<SampledImpression>();
        var progress = new List<GenerationProgress>();
        var summary = MarketplaceGenerator.Generate(Tiny, dir, new SyncProgress(p => { if (p.Stage == "sessions") progress.Add(p); }),
            new GenerationOptions { Format = format, OnImpression = samples.Add, SessionsPerChunk = sessionsPerChunk });
        return new Run(dir, summary, samples, progress);
    }

    [Theory]
    [InlineData(TableFileFormat.Parquet, 1)]
    [InlineData(TableFileFormat.Parquet, 7)] // does not divide the 300 sessions: a short last chunk
    [InlineData(TableFileFormat.Jsonl, 64)]
    public void TinyChunksWriteTheSameFilesAsOneChunk(TableFileFormat format, int sessionsPerChunk)
    {
        string whole = TempDir(), chunked = TempDir();
        try
        {
            var one = Generate(whole, int.MaxValue, format);
            var many = Generate(chunked, sessionsPerChunk, format);

            foreach (var f in format == TableFileFormat.Parquet ? ParquetFiles : JsonlFiles)
            {
                var a = File.ReadAllBytes(Path.Combine(whole, f));
                Assert.True(a.Length > 0, f);
                Assert.True(a.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(chunked, f))), $"{f} differs with {sessionsPerChunk} sessions per chunk");
            }

            Assert.Equal(one.Summary.TrainSessions, many.Summary.TrainSessions);
            Assert.Equal(one.Summary.EvalSessions, many.Summary.EvalSessions);
            Assert.Equal(Tiny.Sessions * Tiny.ShownPerSession, many.Summary.Impressions);
            Assert.Equal(one.Summary.Impressions, many.Summary.Impressions);
            Assert.Equal(one.Summary.Engaged, many.Summary.Engaged);
            Assert.Equal(one.Summary.ShownByRelevance, many.Summary.ShownByRelevance);
            Assert.Equal(one.Summary.RatedByRelevance, many.Summary.RatedByRelevance);

            // Every shown product is observed once with the same draw; only the order of calls may differ (grouped by
            // query within a chunk).
            static List<SampledImpression> Sorted(List<SampledImpression> s) => s.OrderBy(x => x.Session).ThenBy(x => x.Position).ToList();
            Assert.Equal(Sorted(one.Samples), Sorted(many.Samples));

            // Session progress counts up to the total over the chunks.
            Assert.Equal(Tiny.Sessions, many.Sessions[^1].Done);
            Assert.True(many.Sessions.Zip(many.Sessions.Skip(1)).All(p => p.First.Done <= p.Second.Done), "session progress went backwards");
        }
        finally
        {
            foreach (var d in new[] { whole, chunked }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void StreamedSessionQueriesAreTheDrawOfAllAtOnce()
    {
        var catalog = new CatalogTruth(Tiny.Products);
        var synthesizer = new ProductSynthesizer(Tiny, Taxonomy.Default);
        for (int i = 0; i < Tiny.Products; i++)
        {
            var sp = synthesizer.Create(i);
            catalog.Set(i, sp.Traits, Array.IndexOf(Languages.Codes, sp.Product.Language), (float)sp.RawAttractiveness);
        }
        catalog.Standardise();
        var queries = QuerySynthesizer.Create(Tiny, Taxonomy.Default, catalog);
        var simulator = new SessionSimulator(Tiny, Taxonomy.Default, catalog, queries);

        var all = simulator.DrawSessionQueries();
        var draw = simulator.SessionQueries();
        Assert.Equal(all, Enumerable.Range(0, Tiny.Sessions).Select(_ => draw.Next()).ToArray());
    }

    private sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
