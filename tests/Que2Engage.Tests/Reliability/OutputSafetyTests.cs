using System.Diagnostics;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Retrieval;
using Que2Engage.Simulation;
using Que2Engage.Tests.Retrieval;
using Que2Engage.Tests.Training;

namespace Que2Engage.Tests.Reliability;

/// <summary>Issue 15 items 4, 5 and 11: existing work is not overwritten silently, and killed runs leave nothing partial.</summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly Scratch _s = new();
    private static readonly WorldSettings Tiny = new() { Products = 60, Queries = 20, Sessions = 30, Seed = 3 };

    public void Dispose() => _s.Dispose();

    internal static string[] TinyTrainFlags => ["--steps", "2", "--batch", "16", "--d-model", "16", "--heads", "2", "--ffn", "32",
        "--dim", "8", "--query-layers", "1", "--fusion-layers", "1", "--threads", "1"];

    internal static string WriteToyData(string dir)
    {
        var world = new ToyWorld(trainSessions: 30, evalSessions: 3);
        Directory.CreateDirectory(Path.Combine(dir, "train"));
        using (var w = DataWriters.Products(Path.Combine(dir, "products.jsonl")))
            foreach (var p in world.Products) w.Write(p);
        using (var w = DataWriters.Impressions(Path.Combine(dir, "train", "impressions.jsonl")))
            foreach (var i in world.Train) w.Write(i);
        return dir;
    }

    private static (int Code, string Out, string Err) Train(string data, string model, params string[] extra) =>
        Faults.Cli(["train", "--data", data, "--out", model, .. TinyTrainFlags, .. extra]);

    [Fact]
    public void TrainRefusesToReplaceATrainedModelUnlessOverwrite()
    {
        string data = WriteToyData(_s["data"]), model = _s["model"];
        var first = Train(data, model);
        Assert.True(first.Code == 0, first.Err);
        byte[] weights = File.ReadAllBytes(Path.Combine(model, "weights.bin"));

        Faults.AssertUserError(Train(data, model, "--seed", "9"), "already holds a trained model");
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model, "weights.bin")));

        var replaced = Train(data, model, "--seed", "9", "--overwrite");
        Assert.True(replaced.Code == 0, replaced.Err);
        Assert.NotEqual(weights, File.ReadAllBytes(Path.Combine(model, "weights.bin")));

        var resumed = Train(data, model, "--seed", "9", "--resume");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resuming from the checkpoint at step 2", resumed.Out);

        Faults.AssertUserError(Train(data, model, "--resume", "--overwrite"), "pass one of them");
    }

    [Fact]
    public void TrainRefusesADataDirectoryAsOutput()
    {
        string data = WriteToyData(_s["data"]);
        Faults.AssertUserError(Train(data, data), "is a data directory (products.jsonl, train/impressions.jsonl)");
        Assert.False(File.Exists(Path.Combine(data, "weights.bin")));
    }

    [Fact]
    public void GenerateRefusesAnExistingDataDirectoryUnlessOverwrite()
    {
        string dir = _s["world"];
        string[] args = ["generate", "--out", dir, "--products", "60", "--queries", "20", "--sessions", "30", "--format", "jsonl"];
        Assert.Equal(0, Faults.Cli(args).Code);
        var before = File.ReadAllBytes(Path.Combine(dir, "products.jsonl"));
        Faults.AssertUserError(Faults.Cli([.. args, "--seed", "5"]), "already holds a data directory");
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "products.jsonl")));
        Assert.Equal(0, Faults.Cli([.. args, "--seed", "5", "--overwrite"]).Code);
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(dir, "products.jsonl")));

        // --overwrite never deletes what is not data.
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        Faults.AssertUserError(Faults.Cli([.. args, "--overwrite"]), "holds notes.txt");
        Assert.True(File.Exists(Path.Combine(dir, "notes.txt")));
    }

    [Fact]
    public void GenerateThatFailsMidwayLeavesNoDirectory()
    {
        string dir = _s["world"];
        int seen = 0;
        var options = new GenerationOptions { OnImpression = _ => { if (++seen == 50) throw new IOException("disk full (injected)"); } };
        Assert.Throws<IOException>(() => MarketplaceGenerator.Generate(Tiny, dir, null, options));
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetDirectories(_s.Root, ".world.*"));
    }

    [Fact]
    public void KilledGenerateLeavesNoPartialDirectoryAndTheNextRunCleansUp()
    {
        string dir = _s["world"];
        string cli = typeof(Cli.Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "generate", "--out", dir, "--products", "2000000", "--sessions", "1000", "--queries", "100" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        try
        {
            // Wait (up to two minutes) until the run is writing its first table, then kill it.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!Directory.GetDirectories(_s.Root, ".world.generating-*").Any(d => Directory.EnumerateFiles(d).Any()))
            {
                Assert.False(process.HasExited, "generate finished before it could be killed");
                Assert.True(DateTime.UtcNow < deadline, "generate never started writing");
                Thread.Sleep(50);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(Directory.Exists(dir));
        Assert.Single(Directory.GetDirectories(_s.Root, ".world.generating-*"));

        MarketplaceGenerator.Generate(Tiny, dir);
        Assert.Empty(Directory.GetDirectories(_s.Root, ".world.*"));
        Assert.True(DataValidator.Validate(dir).IsValid);
    }

    [Fact]
    public void ValidateFailsAPartialDirectory()
    {
        string dir = _s["world"];
        MarketplaceGenerator.Generate(Tiny, dir, null, new GenerationOptions { Format = TableFileFormat.Jsonl });
        Assert.True(DataValidator.Validate(dir).IsValid);

        File.WriteAllText(Path.Combine(dir, "train", "impressions.jsonl"), "");
        File.WriteAllText(Path.Combine(dir, "eval", "relevance.jsonl.tmp"), "{\"query\":");
        var run = Faults.Cli("validate", "--data", dir);
        Assert.Equal(2, run.Code);
        Assert.Contains("train/impressions.jsonl: the table is empty (no rows)", run.Out);
        Assert.Contains("eval/relevance.jsonl.tmp: leftover of an interrupted write", run.Out);
        Assert.DoesNotContain("ok:", run.Out);
    }

    [Fact]
    public void EmptyProductsFileIsOneProblemNotOnePerImpression()
    {
        string dir = _s["world"];
        MarketplaceGenerator.Generate(Tiny, dir, null, new GenerationOptions { Format = TableFileFormat.Jsonl });
        File.WriteAllText(Path.Combine(dir, "products.jsonl"), "");
        var result = DataValidator.Validate(dir);
        Assert.Equal(1, result.TotalProblems);
        Assert.Contains("products file is empty", result.Problems[0].Message);
        Assert.Contains("products file is empty", Assert.Throws<DataFormatException>(() => MarketplaceDataset.Load(dir)).Message);
    }

    [Fact]
    public void EvaluateWithoutEvaluationDataIsAnError()
    {
        string data = WriteToyData(_s["data"]), model = _s["model"];
        Assert.Equal(0, Train(data, model).Code);
        Faults.AssertUserError(Faults.Cli("evaluate", "--data", data, "--model", model), "no evaluation data");
    }

    [Fact]
    public void StagingFolderOfAKilledIndexBuildIsRemovedByTheNextBuild()
    {
        using var dead = Process.Start(new ProcessStartInfo("true"))!;
        dead.WaitForExit();
        string stale = _s[$".idx.building-{dead.Id}-{Guid.NewGuid():N}"];
        string live = _s[$".idx.building-{Environment.ProcessId}-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(stale);
        Directory.CreateDirectory(live);
        CatalogIndex.Build(TestCatalog.Small(), new TrigramEmbedder(), _s["idx"], new IndexBuildOptions { Kind = VectorIndexKind.Flat });
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(live));   // a running process's folder is left alone

        // The previous index moved aside by a process killed before the swap finished is the only copy: kept.
        Directory.Delete(_s["idx"], recursive: true);
        string aside = _s[$".idx.old-{dead.Id}-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(aside);
        StagingDirectory.RemoveStale(_s["idx"]);
        Assert.True(Directory.Exists(aside));
    }

    [Fact]
    public void ErrorLinesNeverHaveAnEmptyFieldName()
    {
        Assert.Equal("f.jsonl:11: not valid JSON", DataFormatException.Format("f.jsonl", 11, "", "not valid JSON"));
        Assert.Equal("f.jsonl:11: title: bad", DataFormatException.Format("f.jsonl", 11, "title", "bad"));
    }
}
