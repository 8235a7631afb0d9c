using Que2Engage.Cli;

namespace Que2Engage.Tests.CommandLine;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Fact]
    public void HelpListsEveryVerb()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        foreach (var verb in new[] { "demo", "generate", "validate", "import", "train", "evaluate", "ablation", "index", "search", "serve", "bench" })
            Assert.Contains(verb, output);
    }

    [Fact]
    public void UnknownVerbIsUsageErrorWithExitCode2()
    {
        var (code, _, err) = Run("trian");
        Assert.Equal(2, code);
        Assert.Contains("trian", err);
        Assert.DoesNotContain("   at ", err); // no stack trace
    }

    [Fact]
    public void EveryVerbHasHelp()
    {
        foreach (var verb in new[] { "demo", "generate", "validate", "train", "evaluate", "ablation", "index", "search", "serve", "bench" })
        {
            var (code, output, _) = Run(verb, "--help");
            Assert.Equal(0, code);
            Assert.Contains("Usage", output);
        }
    }

    [Theory]
    [InlineData("--rows", "9")]
    [InlineData("--lambdas", "0.5,2")]
    [InlineData("--seeds", "0")]
    public void AblationRejectsBadFlagValuesWithExitCode2(string flag, string value)
    {
        string data = Path.Combine(Path.GetTempPath(), "q2e-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            Que2Engage.Simulation.MarketplaceGenerator.Generate(new Que2Engage.Simulation.WorldSettings { Products = 50, Queries = 20, Sessions = 20 }, data);
            var (code, _, err) = Run("ablation", "--data", data, "--out", Path.Combine(data, "out"), flag, value);
            Assert.Equal(2, code);
            Assert.StartsWith("error: ", err);
            Assert.DoesNotContain("   at ", err);
        }
        finally { Directory.Delete(data, true); }
    }

    [Theory]
    [InlineData("--mode must be hybrid, ebr or lexical (got 'semantic')", "search", "--index", "i", "--query", "sofa", "--mode", "semantic")]
    [InlineData("--kind must be flat or hnsw (got 'tree')", "index", "--out", "i", "--kind", "tree")]
    [InlineData("--quantize must be none, float or int8 (got 'int4')", "index", "--out", "i", "--quantize", "int4")]
    [InlineData("--format must be parquet or jsonl (got 'csv')", "generate", "--out", "d", "--format", "csv")]
    [InlineData("--model must be que2engage or que2search (got 'bert')", "train", "--data", "d", "--out", "m", "--model", "bert")]
    [InlineData("--document-tower must be que2engage or que2search (got 'x')", "train", "--data", "d", "--out", "m", "--document-tower", "x")]
    [InlineData("--preset must be small or paper (got 'huge')", "ablation", "--data", "d", "--out", "o", "--preset", "huge")]
    [InlineData("--objective must be contrastive, mixed or multitask (got 'triplet')", "train", "--data", "d", "--out", "m", "--objective", "triplet")]
    [InlineData("--recipe must be recommended or paper (got 'mine')", "train", "--data", "d", "--out", "m", "--recipe", "mine")]
    public void AnUnknownNameIsOneLineNamingTheAllowedOnesWithExitCode2(string message, params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {message}", err);
        Assert.Equal(2, err.TrimEnd().Split('\n').Length); // the error and "Run 'que2engage VERB --help' for usage."
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void NamesAreCaseInsensitiveAndTyped()
    {
        var parsed = Program.BuildRoot().Parse(["search", "--index", "i", "--query", "q", "--mode", "EBR"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(Que2Engage.Retrieval.SearchMode.Ebr, parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .Single(o => o.Option.Name == "--mode").GetValueOrDefault<Que2Engage.Retrieval.SearchMode>());
    }

    [Fact]
    public void EvaluateWithMissingModelDirectoryIsAOneLineInputError()
    {
        string data = Path.Combine(Path.GetTempPath(), "q2e-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            Que2Engage.Simulation.MarketplaceGenerator.Generate(new Que2Engage.Simulation.WorldSettings { Products = 50, Queries = 20, Sessions = 20 }, data);
            var (code, _, err) = Run("evaluate", "--data", data, "--model", Path.Combine(data, "no-such-model"));
            Assert.Equal(2, code);
            Assert.Contains("no-such-model", err);
            Assert.DoesNotContain("   at ", err);
        }
        finally { Directory.Delete(data, true); }
    }

    [Fact]
    public void DemoChecksItsWorldSizeBeforeWritingAnything()
    {
        string work = Path.Combine(Path.GetTempPath(), "q2e-cli-" + Guid.NewGuid().ToString("N"));
        var (code, _, err) = Run("demo", "--out", work, "--products", "0", "--queries", "20", "--sessions", "20");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --products must be at least 1 (got 0).", err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(work));
    }
}
