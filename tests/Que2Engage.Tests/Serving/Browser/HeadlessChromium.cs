using System.Diagnostics;
using System.Text.Json;

namespace Que2Engage.Tests.Serving.Browser;

/// <summary>
/// Debian's Chromium, headless, in a fresh temporary profile, with DevTools on a free loopback port, and a
/// <see cref="CdpSession"/> attached to its one page. Disposal kills the whole process tree and deletes the profile.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where the browser is looked for; CHROMIUM_PATH overrides.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    private readonly Process _process;
    private readonly string _profileDir;
    private readonly List<string> _stderr = [];

    public CdpSession Page { get; private set; } = null!;

    private HeadlessChromium(Process process, string profileDir)
    {
        _process = process;
        _profileDir = profileDir;
    }

    public static async Task<HeadlessChromium> LaunchAsync(TimeSpan timeout)
    {
        if (!IsInstalled)
            throw new InvalidOperationException(
                $"Chromium not found at {ExecutablePath}: install Debian's 'chromium' package (apt-get install chromium) or set CHROMIUM_PATH.");
        string profile = Path.Combine(Path.GetTempPath(), "q2e-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-proxy-server",
            "--window-size=1100,800", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            $"--user-data-dir={profile}", "about:blank",
        })
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {ExecutablePath}");
        var browser = new HeadlessChromium(process, profile);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (browser._stderr) browser._stderr.Add(e.Data); };
        process.OutputDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            int port = await browser.WaitForDevToolsPortAsync(timeout);
            var pageUrl = await FindPageWebSocketAsync(port, timeout);
            browser.Page = await CdpSession.ConnectAsync(pageUrl, timeout);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Chromium writes the port it bound (for --remote-debugging-port=0) to DevToolsActivePort in the profile.</summary>
    private async Task<int> WaitForDevToolsPortAsync(TimeSpan timeout)
    {
        string file = Path.Combine(_profileDir, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Chromium exited with code {_process.ExitCode} before DevTools was up:\n{StderrTail()}");
            if (File.Exists(file))
            {
                var lines = await File.ReadAllLinesAsync(file);
                if (lines.Length >= 1 && int.TryParse(lines[0], out int port) && port > 0) return port;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Chromium did not open DevTools within {timeout.TotalSeconds:F0} s:\n{StderrTail()}");
    }

    private static async Task<Uri> FindPageWebSocketAsync(int port, TimeSpan timeout)
    {
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false }) { Timeout = timeout };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var targets = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")).RootElement;
            foreach (var t in targets.EnumerateArray())
                if (t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out var ws))
                    return new Uri(ws.GetString()!);
            if (clock.Elapsed > timeout) throw new TimeoutException("Chromium opened no page target");
            await Task.Delay(50);
        }
    }

    public string StderrTail()
    {
        lock (_stderr) return string.Join('\n', _stderr.TakeLast(20));
    }

    /// <summary>PNG bytes of the current viewport.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var r = await Page.CallAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = false });
        return Convert.FromBase64String(r.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (Page is not null) await Page.DisposeAsync();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        for (int attempt = 0; attempt < 5 && Directory.Exists(_profileDir); attempt++)
        {
            try { Directory.Delete(_profileDir, recursive: true); }
            catch (IOException) { await Task.Delay(200); }
            catch (UnauthorizedAccessException) { await Task.Delay(200); }
        }
    }
}
