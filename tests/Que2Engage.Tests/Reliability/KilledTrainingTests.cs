using System.Diagnostics;
using Que2Engage.Modeling;
using Que2Engage.Training;

namespace Que2Engage.Tests.Reliability;

/// <summary>
/// A training process killed with SIGKILL resumes exactly: the resumed model's weights equal an uninterrupted run's
/// (one of the good cases, kept as a regression test of the fault suite).
/// </summary>
public sealed class KilledTrainingTests : IDisposable
{
    private readonly Scratch _s = new();

    public void Dispose() => _s.Dispose();

    private static readonly string[] Flags = [.. OutputSafetyTests.TinyTrainFlags.Where((f, i) => f != "--steps" && (i == 0 || OutputSafetyTests.TinyTrainFlags[i - 1] != "--steps")),
        "--steps", "40", "--checkpoint-every", "1"];

    [Fact]
    public void KilledTrainingResumesToTheSameWeights()
    {
        string data = OutputSafetyTests.WriteToyData(_s["data"]);
        var straight = Faults.Cli(["train", "--data", data, "--out", _s["straight"], .. Flags]);
        Assert.True(straight.Code == 0, straight.Err);

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { typeof(Cli.Program).Assembly.Location, "train", "--data", data, "--out", _s["killed"] }.Concat(Flags))
            start.ArgumentList.Add(a);
        using (var process = Process.Start(start)!)
        {
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            try
            {
                var deadline = DateTime.UtcNow.AddMinutes(3);
                while (!process.HasExited && (CheckpointStore.TryRead(_s["killed"])?.Step ?? 0) < 3)
                {
                    Assert.True(DateTime.UtcNow < deadline, "training never wrote a checkpoint");
                    Thread.Sleep(20);
                }
            }
            catch (InvalidInputException) { /* state.json renamed in between reads: fine, kill now */ }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        var resumed = Faults.Cli(["train", "--data", data, "--out", _s["killed"], .. Flags, "--resume"]);
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.DoesNotContain("starting fresh", resumed.Out);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_s["straight"], ModelStore.WeightsFile)),
                     File.ReadAllBytes(Path.Combine(_s["killed"], ModelStore.WeightsFile)));
    }
}
