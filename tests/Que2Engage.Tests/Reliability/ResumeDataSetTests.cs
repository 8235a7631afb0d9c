using System.Text.Json.Nodes;
using Que2Engage.Data;
using Que2Engage.Tests.Training;
using Que2Engage.Training;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 24 item 4: --resume refuses a checkpoint trained on another data set, naming what differs.</summary>
public sealed class ResumeDataSetTests : IDisposable
{
    private readonly Scratch _s = new();
    private static readonly ToyWorld World = new(trainSessions: 40, evalSessions: 2);

    public void Dispose() => _s.Dispose();

    private static TrainingOptions Options => ToyWorld.TinyOptions() with { Steps = 2, CheckpointEvery = 1 };

    /// <summary>The world without its last <paramref name="drop"/> products and their impressions.</summary>
    private static (List<Product> Products, List<Impression> Train) Smaller(int drop)
    {
        var products = World.Products.Take(World.Products.Count - drop).ToList();
        var ids = products.Select(p => p.ProductId).ToHashSet();
        return (products, World.Train.Where(i => ids.Contains(i.ProductId)).ToList());
    }

    [Fact]
    public void ResumingOnFewerProductsIsRefusedNamingTheCounts()
    {
        Trainer.Train(World.Products, World.Train, Options, _s["m"]);
        var (products, train) = Smaller(3);
        Assert.NotEqual(World.Train.Count, train.Count);
        var e = Assert.Throws<InvalidInputException>(() => Trainer.Train(products, train, Options with { Steps = 4, Resume = true }, _s["m"]));
        Assert.Contains("another data set", e.Message);
        Assert.Contains($"{products.Count} products (checkpoint: {World.Products.Count})", e.Message);
        Assert.Contains($"{train.Count} training impressions (checkpoint: {World.Train.Count})", e.Message);
        Assert.Contains("TrainingOptions.Resume", e.Message);
        Assert.Equal(["TrainingOptions.Resume"], e.Settings);

        // The same data set resumes.
        Assert.Equal(4, Trainer.Train(World.Products, World.Train, Options with { Steps = 4, Resume = true }, _s["m"]).Steps);
    }

    [Fact]
    public void ResumingOnEditedRowsOfTheSameCountsIsRefused()
    {
        Trainer.Train(World.Products, World.Train, Options, _s["m"]);
        var products = World.Products.Select((p, i) => i == 1 ? p with { Title = p.Title + " x" } : p).ToList();
        var train = World.Train.Select((r, i) => i == 0 ? r with { Engaged = !r.Engaged } : r).ToList();
        var e = Assert.Throws<InvalidInputException>(() => Trainer.Train(products, train, Options with { Steps = 4, Resume = true }, _s["m"]));
        Assert.Contains($"the {products.Count} products' contents differ", e.Message);
        Assert.Contains($"the {train.Count} training impressions' contents differ", e.Message);
    }

    [Fact]
    public void ACheckpointWithoutARecordedDataSetStillResumes()
    {
        // Checkpoints written before the data set was recorded have nothing to compare: they resume as before.
        Trainer.Train(World.Products, World.Train, Options, _s["m"]);
        string state = Path.Combine(CheckpointStore.DirectoryFor(_s["m"]), CheckpointStore.StateFile);
        var json = JsonNode.Parse(File.ReadAllText(state))!.AsObject();
        Assert.NotNull(json["data"]);
        json.Remove("data");
        File.WriteAllText(state, json.ToJsonString());
        var (products, train) = Smaller(3);
        Assert.Equal(3, Trainer.Train(products, train, Options with { Steps = 3, Resume = true }, _s["m"]).Steps);
    }

    [Fact]
    public void CliRefusesAnotherDataSetNamingTheFlag()
    {
        string data = OutputSafetyTests.WriteToyData(_s["data"]);
        var first = Faults.Cli(["train", "--data", data, "--out", _s["model"], .. OutputSafetyTests.TinyTrainFlags]);
        Assert.True(first.Code == 0, first.Err);

        string other = _s["other"];
        Directory.CreateDirectory(Path.Combine(other, "train"));
        var products = DataFiles.ReadProducts(Path.Combine(data, "products.jsonl"));
        var kept = products.Skip(2).Select(p => p.ProductId).ToHashSet();
        using (var w = DataWriters.Products(Path.Combine(other, "products.jsonl")))
            foreach (var p in products.Skip(2)) w.Write(p);
        using (var w = DataWriters.Impressions(Path.Combine(other, "train", "impressions.jsonl")))
            foreach (var i in DataFiles.ReadImpressions(Path.Combine(data, "train", "impressions.jsonl")).Where(i => kept.Contains(i.ProductId))) w.Write(i);

        var run = Faults.Cli(["train", "--data", other, "--out", _s["model"], .. OutputSafetyTests.TinyTrainFlags, "--resume"]);
        Faults.AssertUserError(run, $"{products.Count - 2} products (checkpoint: {products.Count})");
        Faults.AssertUserError(run, "--resume needs the data set the checkpoint was trained on");
    }
}
