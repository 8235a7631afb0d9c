using System.Text.Json;
using Que2Engage.Simulation;

namespace Que2Engage.Tests.Simulation;

/// <summary>One small generated world (JSONL, so tests can read it back independently), shared by the tests.</summary>
public sealed class SmallWorldFixture : IDisposable
{
    public static readonly WorldSettings Settings = new() { Products = 2000, Queries = 500, Sessions = 2000, Seed = 7 };

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "q2e-sim-" + Guid.NewGuid().ToString("N"));
    public GenerationSummary Summary { get; }
    public List<SampledImpression> Samples { get; } = [];
    public List<JsonElement> Products { get; }
    public List<JsonElement> TrainImpressions { get; }
    public List<JsonElement> EvalImpressions { get; }
    public List<JsonElement> Ratings { get; }
    public World World { get; }

    public SmallWorldFixture()
    {
        Summary = MarketplaceGenerator.Generate(Settings, Dir, null,
            new GenerationOptions { Format = TableFileFormat.Jsonl, OnImpression = Samples.Add });
        Products = ReadJsonl("products.jsonl");
        TrainImpressions = ReadJsonl("train/impressions.jsonl");
        EvalImpressions = ReadJsonl("eval/impressions.jsonl");
        Ratings = ReadJsonl("eval/relevance.jsonl");
        World = World.Load(World.PathIn(Dir));
    }

    private List<JsonElement> ReadJsonl(string relative) =>
        File.ReadLines(Path.Combine(Dir, relative)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
