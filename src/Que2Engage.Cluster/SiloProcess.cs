using System.Diagnostics;
using System.Text;

namespace Que2Engage.Cluster;

/// <summary>
/// A silo as a separate process (<c>dotnet CLI.dll silo ARGS</c>), started until it says it serves and stopped with
/// SIGKILL (no goodbye: the cluster must notice by itself). Used by the cluster benchmark and the tests.
/// </summary>
public sealed class SiloProcess(string name, string cliDll, IReadOnlyList<string> siloArgs) : IDisposable
{
    private Process? _process;
    private readonly StringBuilder _log = new();

    public string Name { get; } = name;
    public string Log { get { lock (_log) return _log.ToString(); } }
    public Process? Process => _process;

    public void Start(TimeSpan? timeout = null)
    {
        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cliDll);
        start.ArgumentList.Add("silo");
        foreach (var a in siloArgs) start.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log) _log.AppendLine(e.Data);
            if (e.Data.StartsWith("silo ", StringComparison.Ordinal)) ready.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = Task.WhenAny(ready.Task, exited, Task.Delay(timeout ?? TimeSpan.FromSeconds(120))).GetAwaiter().GetResult();
        if (first != ready.Task)
        {
            Kill();
            throw new Que2EngageException($"silo {Name} did not start:\n{Log}");
        }
    }

    /// <summary>SIGKILL on Linux.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) { _process.Kill(); _process.WaitForExit(10_000); }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
