using Que2Engage.Cli;
using Que2Engage.Benchmarks;
using Que2Engage.Cli.Commands;
using Que2Engage.Tests.Data;
using Que2Engage.Training;
using Que2Engage.Training.Objectives;

namespace Que2Engage.Tests.CommandLine;

/// <summary>
/// The C# side of <c>bench train --peer torch</c>: argument checks and the reference's RESULT line. Nothing here runs
/// Python or a training step (CI has no PyTorch).
/// </summary>
public class BenchTrainPeerTests
{
    private static readonly TrainingOptions Multitask = new() { Objective = TrainingObjectives.Multitask };

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRun.Capture(args);

    [Fact]
    public void ParsesTheLastResultLine()
    {
        string stdout = "torch 1.13\n  step 1/3 loss 4.1\nRESULT {\"examples_per_second\": 1}\n" +
                        "RESULT {\"examples_per_second\": 301.5, \"parameters\": 7204253, \"matmul_gflops\": 40.5, " +
                        "\"phases\": {\"data\": 0.01, \"forward\": 0.4, \"backward\": 0.3, \"optimizer\": 0.02, \"other\": 0.0}}\n";
        var r = TorchPeerBenchmark.ParsePeerResult(stdout);
        Assert.Equal(301.5, r.ExamplesPerSecond);
        Assert.Equal(7204253, r.Parameters);
        Assert.Equal(40.5, r.MatmulGflops);
        Assert.Equal(["data", "forward", "backward", "optimizer", "other"], r.Phases.Keys);
        Assert.Equal(0.4, r.Phases["forward"]);
    }

    [Theory]
    [InlineData("torch 1.13\nno result here\n")]
    [InlineData("RESULT {\"examples_per_second\": 3}\n")]
    [InlineData("RESULT {not json\n")]
    public void MissingOrMalformedResultIsARuntimeFailure(string stdout)
    {
        var e = Assert.Throws<Que2EngageException>(() => TorchPeerBenchmark.ParsePeerResult(stdout));
        Assert.Equal(1, e.ExitCode);
    }

    [Fact]
    public void FindsTheScriptAboveTheWorkingDirectory()
    {
        using var repo = new TempDir();
        Directory.CreateDirectory(repo.File("bench"));
        File.WriteAllText(repo.File(TorchPeerBenchmark.PeerScript), "# reference");
        string nested = Directory.CreateDirectory(repo.File("a/b")).FullName;
        string python = repo.File("python");
        File.WriteAllText(python, "");
        string found = TorchPeerBenchmark.CheckPeer(Multitask, 3, python, baseDirectory: nested, workingDirectory: nested);
        Assert.Equal(Path.GetFullPath(repo.File(TorchPeerBenchmark.PeerScript)), Path.GetFullPath(found));
    }

    [Fact]
    public void RejectsWhatTheReferenceCannotRun()
    {
        using var dir = new TempDir();
        string python = dir.File("python");
        File.WriteAllText(python, "");
        Assert.Contains("--pairs", Assert.Throws<InvalidInputException>(() => TorchPeerBenchmark.CheckPeer(Multitask, 0, python, dir.Path, dir.Path)).Message);
        Assert.Contains("mixed", Assert.Throws<InvalidInputException>(() =>
            TorchPeerBenchmark.CheckPeer(Multitask with { Objective = TrainingObjectives.Mixed }, 3, python, dir.Path, dir.Path)).Message);
        Assert.Contains("python3-torch", Assert.Throws<InvalidInputException>(() =>
            TorchPeerBenchmark.CheckPeer(Multitask, 3, dir.File("no-python"), dir.Path, dir.Path)).Message);
        Assert.Contains(TorchPeerBenchmark.PeerScript, Assert.Throws<InvalidInputException>(() =>
            TorchPeerBenchmark.CheckPeer(Multitask, 3, python, dir.Path, dir.Path)).Message);
    }

    [Theory]
    [InlineData("--steps", "2")]
    [InlineData("--pairs", "0")]
    [InlineData("--python", "/no/such/python3")]
    public void BadPeerFlagsExitWith2BeforeTraining(string flag, string value)
    {
        var (code, output, err) = Run("bench", "train", "--peer", "torch", flag, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("examples/s", output);
    }
}
