using System.Text.Json;

namespace Que2Engage.Tests.Serving.Browser;

/// <summary>User-level actions on a CDP page: open a URL, click an element, type, press Enter, read the DOM.</summary>
public sealed class BrowserPage(CdpSession cdp)
{
    public CdpSession Cdp { get; } = cdp;

    public async Task EnableAsync()
    {
        await Cdp.CallAsync("Page.enable");
        await Cdp.CallAsync("Runtime.enable");
    }

    /// <summary>Navigates and waits for the load event.</summary>
    public async Task GoToAsync(string url)
    {
        var loaded = Cdp.NextEvent("Page.loadEventFired");
        var r = await Cdp.CallAsync("Page.navigate", new { url });
        if (r.TryGetProperty("errorText", out var err)) throw new InvalidOperationException($"navigation to {url} failed: {err}");
        await loaded;
    }

    /// <summary>Clicks the centre of the first element matching <paramref name="selector"/> with real mouse events.</summary>
    public async Task ClickAsync(string selector)
    {
        var box = await Cdp.EvaluateAsync(
            $"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); if (!e) return null; " +
            "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        if (box.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"no element matches '{selector}'");
        double x = box.GetProperty("x").GetDouble(), y = box.GetProperty("y").GetDouble();
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
            await Cdp.CallAsync("Input.dispatchMouseEvent", new { type, x, y, button = "left", clickCount = 1 });
    }

    /// <summary>Types text into the focused element one key at a time, as a user would.</summary>
    public async Task TypeAsync(string text)
    {
        foreach (var ch in text)
        {
            var key = ch.ToString();
            await Cdp.CallAsync("Input.dispatchKeyEvent", new { type = "keyDown", key, text = key, unmodifiedText = key });
            await Cdp.CallAsync("Input.dispatchKeyEvent", new { type = "keyUp", key });
        }
    }

    /// <summary>Presses Enter (submitting the focused form) and waits for the page that follows to load.</summary>
    public async Task PressEnterAndWaitForLoadAsync()
    {
        var loaded = Cdp.NextEvent("Page.loadEventFired");
        await Cdp.CallAsync("Input.dispatchKeyEvent", new { type = "keyDown", key = "Enter", code = "Enter", windowsVirtualKeyCode = 13, nativeVirtualKeyCode = 13, text = "\r" });
        await Cdp.CallAsync("Input.dispatchKeyEvent", new { type = "keyUp", key = "Enter", code = "Enter", windowsVirtualKeyCode = 13, nativeVirtualKeyCode = 13 });
        await loaded;
    }

    public async Task<string> TextAsync(string selector) =>
        (await Cdp.EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)})?.textContent ?? null")).GetString() ?? "";

    public async Task<string> LocationAsync() => (await Cdp.EvaluateAsync("location.href")).GetString()!;

    public async Task<int> CountAsync(string selector) =>
        (await Cdp.EvaluateAsync($"document.querySelectorAll({JsonSerializer.Serialize(selector)}).length")).GetInt32();

    /// <summary>The result rows as shown (text content of each cell class).</summary>
    public async Task<IReadOnlyList<ResultRow>> ResultRowsAsync()
    {
        var rows = await Cdp.EvaluateAsync(
            "Array.from(document.querySelectorAll('#results .hit')).map(r => ({" +
            "id: r.dataset.productId, title: r.querySelector('.title')?.textContent ?? '', " +
            "price: r.querySelector('.price')?.textContent ?? '', condition: r.querySelector('.condition')?.textContent ?? '', " +
            "source: r.querySelector('.source')?.textContent ?? '', titleElements: r.querySelector('.title')?.querySelectorAll('*:not(a)').length ?? -1 }))");
        return rows.EnumerateArray().Select(r => new ResultRow(
            r.GetProperty("id").GetString() ?? "", r.GetProperty("title").GetString()!.Trim(), r.GetProperty("price").GetString()!.Trim(),
            r.GetProperty("condition").GetString()!.Trim(), r.GetProperty("source").GetString()!.Trim(), r.GetProperty("titleElements").GetInt32())).ToList();
    }

    /// <param name="TitleElements">Element nodes inside the title cell other than a link (markup that leaked from data).</param>
    public sealed record ResultRow(string ProductId, string Title, string Price, string Condition, string Source, int TitleElements);
}
