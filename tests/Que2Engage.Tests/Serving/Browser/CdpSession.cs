using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Que2Engage.Tests.Serving.Browser;

/// <summary>
/// A minimal Chrome DevTools Protocol client over one WebSocket (a page target): JSON-RPC calls matched by id, and
/// waits for named events. Written by hand instead of taking Microsoft.Playwright because the handful of CDP methods
/// a page test needs (navigate, key events, evaluate, screenshot) fit in this file and need no bundled Node driver.
/// </summary>
public sealed class CdpSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<(string Method, TaskCompletionSource<JsonElement> Done)> _eventWaiters = [];
    private readonly List<string> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _receiveLoop = Task.CompletedTask;
    private int _nextId;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Names of every event received so far (e.g. Page.javascriptDialogOpening), in order.</summary>
    public IReadOnlyList<string> Events { get { lock (_eventWaiters) return _events.ToList(); } }

    public static async Task<CdpSession> ConnectAsync(Uri webSocketUrl, TimeSpan timeout)
    {
        var session = new CdpSession { Timeout = timeout };
        session._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(timeout);
        await session._socket.ConnectAsync(webSocketUrl, cts.Token);
        session._receiveLoop = Task.Run(session.ReceiveLoopAsync);
        return session;
    }

    /// <summary>Sends <paramref name="method"/> and returns its <c>result</c>; a CDP error becomes an exception.</summary>
    public async Task<JsonElement> CallAsync(string method, object? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }) };
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendLock.WaitAsync();
        try { await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token); }
        finally { _sendLock.Release(); }
        try
        {
            return await done.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"CDP {method} got no answer within {Timeout.TotalSeconds:F0} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Registers interest in the next <paramref name="method"/> event; await the returned task after triggering it
    /// (registering first means a fast event cannot be missed).
    /// </summary>
    public Task<JsonElement> NextEvent(string method)
    {
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_eventWaiters) _eventWaiters.Add((method, done));
        return WithTimeout(done.Task, method);
    }

    private async Task<JsonElement> WithTimeout(Task<JsonElement> task, string method)
    {
        try { return await task.WaitAsync(Timeout); }
        catch (TimeoutException) { throw new TimeoutException($"CDP event {method} did not arrive within {Timeout.TotalSeconds:F0} s"); }
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its JSON value (promises are awaited).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await CallAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var ex))
            throw new InvalidOperationException($"page script failed: {ex}");
        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                Dispatch(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        finally
        {
            var closed = new InvalidOperationException("the DevTools connection closed");
            foreach (var p in _pending.Values) p.TrySetException(closed);
            lock (_eventWaiters) foreach (var (_, w) in _eventWaiters) w.TrySetException(closed);
        }
    }

    private void Dispatch(JsonElement msg)
    {
        if (msg.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryGetValue(idElement.GetInt32(), out var done)) return;
            if (msg.TryGetProperty("error", out var error)) done.TrySetException(new InvalidOperationException($"CDP error: {error}"));
            else done.TrySetResult(msg.TryGetProperty("result", out var result) ? result : default);
            return;
        }
        if (!msg.TryGetProperty("method", out var methodElement)) return;
        string method = methodElement.GetString()!;
        var parameters = msg.TryGetProperty("params", out var p) ? p : default;
        lock (_eventWaiters)
        {
            _events.Add(method);
            for (int i = _eventWaiters.Count - 1; i >= 0; i--)
            {
                if (_eventWaiters[i].Method != method) continue;
                _eventWaiters[i].Done.TrySetResult(parameters);
                _eventWaiters.RemoveAt(i);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
