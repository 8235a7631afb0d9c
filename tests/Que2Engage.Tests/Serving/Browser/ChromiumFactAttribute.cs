namespace Que2Engage.Tests.Serving.Browser;

/// <summary>
/// A fact that needs Debian's Chromium. In CI (env CI set) it always runs, so a missing browser fails with a clear
/// message; on a developer machine without Chromium it is reported as skipped so a plain <c>dotnet test</c> stays usable.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        bool ci = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        if (!ci && !HeadlessChromium.IsInstalled)
            Skip = $"Chromium not found at {HeadlessChromium.ExecutablePath} (install 'chromium'; CI=1 makes this a failure)";
    }
}
