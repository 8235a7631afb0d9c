using Que2Engage.Cli;

namespace Que2Engage.Tests.CommandLine;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

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
}
