using Que2Engage.Tests.CommandLine;
using Que2Engage.Cli;

namespace Que2Engage.Tests.Reliability;

/// <summary>Helpers of the fault-injection tests: a scratch folder, byte flipping and in-process CLI runs.</summary>
public sealed class Scratch : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "q2e-rel-" + Guid.NewGuid().ToString("N"));

    public Scratch() => Directory.CreateDirectory(Root);

    public string this[string name] => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Faults
{
    /// <summary>Inverts <paramref name="count"/> bytes spread evenly over the middle of the file (seeded, so reproducible).</summary>
    public static void FlipBytes(string path, int count, int seed = 1)
    {
        var bytes = File.ReadAllBytes(path);
        var rng = new Random(seed);
        int lo = bytes.Length / 4, hi = bytes.Length * 3 / 4;
        for (int i = 0; i < count; i++)
        {
            int at = rng.Next(lo, hi);
            bytes[at] = (byte)~bytes[at];
        }
        File.WriteAllBytes(path, bytes);
    }

    public static (int Code, string Out, string Err) Cli(params string[] args) => CliRun.Capture(args);

    /// <summary>Asserts the CLI's user-error contract: exit 2, one "error: …" line containing <paramref name="expected"/>, no stack trace.</summary>
    public static void AssertUserError((int Code, string Out, string Err) run, string expected)
    {
        Assert.True(run.Code == 2, $"exit {run.Code}; stderr: {run.Err}; stdout: {run.Out}");
        var errors = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToList();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
        Assert.DoesNotContain("   at ", run.Err);
    }
}
