using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;
using Que2Engage.Cli.Commands;
using Que2Engage.Data;
using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;
using Que2Engage.Tests.Retrieval;

namespace Que2Engage.Tests.Cluster;

/// <summary>'index --shards' and the 'silo' verb's input checks through Program.Run (trigram embedder as the model).</summary>
public class ClusterCommandTests : IDisposable
{
    private readonly string _root = VectorData.TempDir();

    public ClusterCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        using var w = DataWriters.Products(Path.Combine(_root, "data", "products.jsonl"));
        foreach (var p in TestCatalog.Generated(90, seed: 2)) w.Write(p);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(_ => new TrigramEmbedder(64), args);

    [Fact]
    public void IndexWritesShardsAndSiloRefusesBadInputInOneLine()
    {
        var sharded = Path.Combine(_root, "sharded");
        var (code, output, err) = Run("index", "--data", Path.Combine(_root, "data"), "--model", "m", "--out", sharded, "--kind", "flat", "--shards", "3");
        Assert.True(code == 0, err);
        Assert.Contains("90 products in 3 shards", output);
        Assert.Equal(90, ShardSetManifest.Read(sharded).ProductsPerShard.Sum());
        for (int s = 0; s < 3; s++) Assert.True(File.Exists(Path.Combine(ShardSet.ShardDirectory(sharded, s), ShardSet.PositionsFile)));

        foreach (var (args, message) in new (string[], string)[]
        {
            (["--shards", "5", "--name", "a"], "shard 5 does not exist"),
            (["--shards", "x", "--name", "a"], "'x' is not a shard number"),
            (["--shards", "0", "--name", "a@b"], "is not a silo name"),
            (["--shards", "0", "--name", "a", "--primary", "nowhere"], "is not IP:PORT"),
        })
        {
            (code, _, err) = Run(["silo", "--index", sharded, .. args]);
            Assert.Equal(2, code);
            Assert.StartsWith("error: ", err);
            Assert.Contains(message, err);
            // One error line; a bad --shards list is a parse error, which adds the usage hint.
            var lines = err.Trim().Split('\n');
            Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.All(lines.Skip(1), l => Assert.StartsWith("Run 'que2engage silo --help'", l));
        }
        (code, _, err) = Run("silo", "--index", Path.Combine(_root, "data"), "--shards", "0", "--name", "a");
        Assert.Equal(2, code);
        Assert.Contains("not a sharded index", err);

        (code, _, err) = Run("index", "--data", Path.Combine(_root, "data"), "--model", "m", "--out", Path.Combine(_root, "x"), "--shards", "0");
        Assert.Equal(2, code);
        Assert.Contains("--shards must be in 1..", err);
    }
}
