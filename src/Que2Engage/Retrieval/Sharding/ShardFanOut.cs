using System.Collections.Concurrent;
using System.Diagnostics;

namespace Que2Engage.Retrieval.Sharding;

/// <summary>One copy of one shard that the front end can ask (a grain on a silo, or an index in this process).</summary>
public interface IShardReplica
{
    /// <summary>Stable name of the replica (e.g. "2@silo-b"); failures are remembered under it.</summary>
    string Name { get; }
    Task<ShardCandidates> SearchAsync(ShardQuery query, CancellationToken cancellationToken);
    /// <summary>The shard's BM25 statistics for the query's terms.</summary>
    Task<LexicalStatistics> StatisticsAsync(string query, CancellationToken cancellationToken);
}

/// <summary>Where the shards are right now: the shard count and the live replicas of each (may change between calls).</summary>
public interface IShardRoutes
{
    int Shards { get; }
    IReadOnlyList<IShardReplica> ReplicasOf(int shard);
}

/// <summary>A shard held in this process (tests, and a single process serving a sharded index).</summary>
public sealed class LocalShardReplica(string name, CatalogIndex index) : IShardReplica
{
    public string Name { get; } = name;
    public CatalogIndex Index { get; } = index;
    public Task<ShardCandidates> SearchAsync(ShardQuery query, CancellationToken cancellationToken) => Index.SearchShardAsync(query, cancellationToken);
    public Task<LexicalStatistics> StatisticsAsync(string query, CancellationToken cancellationToken) => Task.FromResult(Index.LexicalStatistics(query));
}

/// <summary>Fixed routes (every replica assumed live until it fails).</summary>
public sealed class StaticShardRoutes(IReadOnlyList<IReadOnlyList<IShardReplica>> replicas) : IShardRoutes
{
    public int Shards => replicas.Count;
    public IReadOnlyList<IShardReplica> ReplicasOf(int shard) => replicas[shard];
}

public sealed record FanOutOptions
{
    /// <summary>The whole fan-out must end by then; a shard with no answer by the deadline is reported missing.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Longest wait for one replica before the next one of the same shard is tried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromMilliseconds(750);
    /// <summary>A replica that failed is tried only after the others of its shard for this long …</summary>
    public TimeSpan SuspectFor { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>… and, when it is its shard's only hope, by at most one request per this interval (the others answer partial at once).</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Pauses before a shard's replicas are asked again after all of them failed, used only when one of them was
    /// healthy until this request and failed at once (not by a timeout): a call to a live replica fails like that when
    /// it was sent through the gateway of a silo that just died, and succeeds once the client has moved to another gateway.
    /// </summary>
    public IReadOnlyList<TimeSpan> RetryBackoff { get; init; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)];
    /// <summary>
    /// Score BM25 with the whole catalog's statistics (a first round trip collects every shard's and sums them), so
    /// lexical and hybrid answers equal one index's; false: each shard scores with its own (one round trip less).
    /// </summary>
    public bool GlobalLexicalStatistics { get; init; } = true;

    public void Validate()
    {
        if (Deadline <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
            throw new InvalidInputException("the fan-out deadline and attempt timeout must be positive.");
        if (RetryBackoff.Any(b => b < TimeSpan.Zero))
            throw new InvalidInputException("the fan-out retry back-off pauses must not be negative.");
    }
}

/// <summary>A cluster answer: the merged hits and the shards that had no live replica before the deadline.</summary>
public sealed record ClusterSearchResult(IReadOnlyList<CatalogHit> Hits, IReadOnlyList<int> MissingShards, int Shards)
{
    public bool Partial => MissingShards.Count > 0;
}

/// <summary>
/// The front end's query path: asks one replica of every shard in parallel (replicas taken in turn, so load spreads;
/// ones that failed recently last), moves on to the shard's next replica when one fails or is slower than the attempt
/// timeout (then tries them all once more while the deadline allows, and, when one that was healthy failed at once, again
/// after the <see cref="FanOutOptions.RetryBackoff"/> pauses), and merges whatever answered by the deadline with <see cref="ShardMerge"/>. A shard none of whose replicas
/// answered is named in <see cref="ClusterSearchResult.MissingShards"/> instead of failing the query. A user error
/// (<see cref="InvalidInputException"/>, e.g. a filter an old shard cannot run) fails the query: every replica would say the same.
/// </summary>
public sealed class ShardFanOut(IShardRoutes routes, FanOutOptions? options = null, FusionOptions? fusion = null)
{
    private readonly FanOutOptions _options = Checked(options ?? new FanOutOptions());
    private readonly ConcurrentDictionary<string, Health> _health = new(StringComparer.Ordinal);
    private long _turn;

    public FusionOptions Fusion { get; } = fusion ?? new FusionOptions();
    public IShardRoutes Routes => routes;

    /// <summary>Replica attempts that failed or timed out (a counter for /metrics).</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);
    private long _failedAttempts;

    private static FanOutOptions Checked(FanOutOptions o) { o.Validate(); return o; }

    public async Task<ClusterSearchResult> SearchAsync(string text, float[]? vector, int k, SearchMode mode, int? ef = null,
        SearchFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var query = ShardQuery.For(text, vector, k, mode, Fusion, ef, filter);
        int shards = routes.Shards;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Deadline);
        long start = Stopwatch.GetTimestamp();
        long turn = Interlocked.Increment(ref _turn);
        if (query.LexicalDepth > 0 && _options.GlobalLexicalStatistics && shards > 1)
        {
            var stats = await Task.WhenAll(Enumerable.Range(0, shards)
                .Select(s => AskShardAsync(s, (r, ct) => r.StatisticsAsync(text, ct), turn, start, deadline.Token))).ConfigureAwait(false);
            query = query with { Statistics = LexicalStatistics.Sum(stats.OfType<LexicalStatistics>()) };
        }
        var tasks = Enumerable.Range(0, shards).Select(s => AskShardAsync(s, (r, ct) => r.SearchAsync(query, ct), turn, start, deadline.Token)).ToArray();
        var answers = await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var missing = Enumerable.Range(0, shards).Where(s => answers[s] is null).ToList();
        var hits = ShardMerge.Merge(answers.Where(a => a is not null)!, k, mode, Fusion);
        return new ClusterSearchResult(hits, missing, shards);
    }

    private async Task<T?> AskShardAsync<T>(int shard, Func<IShardReplica, CancellationToken, Task<T>> ask, long turn, long start, CancellationToken deadline)
        where T : class
    {
        var replicas = routes.ReplicasOf(shard);
        if (replicas.Count == 0) return null;
        long now = Stopwatch.GetTimestamp();
        var inTurn = Enumerable.Range(0, replicas.Count).Select(i => replicas[(int)((turn + i) % replicas.Count)]).ToList();
        var suspectedBefore = inTurn.Where(r => IsSuspect(r, now)).ToHashSet();
        var ordered = inTurn.OrderBy(r => suspectedBefore.Contains(r) ? 1 : 0).ToList();
        var retry = new List<IShardReplica>();   // healthy until this request, then failed at once: worth a retry after a pause
        // Round 0: healthy replicas in turn, then suspected ones only when a probe is due (claimed lazily, as reached).
        // Round 1: every replica once more, suspected or not. A failure is not always the replica's: a call to a live
        // replica fails too when it was routed through the gateway of a silo that just died.
        // Rounds 2…: after each RetryBackoff pause, the replicas that were healthy before this request and failed at once.
        for (int round = 0; ; round++)
        {
            IEnumerable<IShardReplica> candidates;
            if (round == 0) candidates = ordered.Where(r => !suspectedBefore.Contains(r) || ClaimProbe(r));
            else if (round == 1) candidates = ordered;
            else
            {
                if (round - 2 >= _options.RetryBackoff.Count || retry.Count == 0) return null;
                var pause = _options.RetryBackoff[round - 2];
                if (_options.Deadline - Stopwatch.GetElapsedTime(start) <= pause) return null;
                try { await Task.Delay(pause, deadline).ConfigureAwait(false); }
                catch (OperationCanceledException) { return null; }
                candidates = retry.ToList();
                retry.Clear();
            }
            foreach (var replica in candidates)
            {
                var (answer, fastFailure) = await AttemptAsync(replica, ask, start, deadline).ConfigureAwait(false);
                if (answer is not null) return answer;
                if (fastFailure && round >= 1 && !suspectedBefore.Contains(replica)) retry.Add(replica);
                if (deadline.IsCancellationRequested) return null;
            }
        }
    }

    /// <summary>One call to one replica within the attempt timeout and the deadline: its answer, or whether it failed at once (not by a timeout).</summary>
    private async Task<(T? Answer, bool FastFailure)> AttemptAsync<T>(IShardReplica replica, Func<IShardReplica, CancellationToken, Task<T>> ask, long start,
        CancellationToken deadline) where T : class
    {
        var remaining = _options.Deadline - Stopwatch.GetElapsedTime(start);
        if (remaining <= TimeSpan.Zero || deadline.IsCancellationRequested) return (null, false);
        var wait = remaining < _options.AttemptTimeout ? remaining : _options.AttemptTimeout;
        try
        {
            var answer = await ask(replica, deadline).WaitAsync(wait, deadline).ConfigureAwait(false);
            MarkHealthy(replica);
            return (answer, false);
        }
        catch (InvalidInputException)
        {
            throw;
        }
        catch (Exception e)
        {
            // Timeout, a dead silo, a replica that no longer holds the shard: try the next replica.
            Interlocked.Increment(ref _failedAttempts);
            MarkSuspect(replica);
            return (null, e is not (TimeoutException or OperationCanceledException));
        }
    }

    /// <summary>
    /// The replicas of <paramref name="shard"/> that answered their last call (or were never called): what /healthz
    /// and the replica gauge report. The routes keep a dead silo's replicas until cluster membership declares it dead
    /// (longer than a health check should lag), and suspicion expires after <see cref="FanOutOptions.SuspectFor"/>
    /// even while every probe still fails; the outcome of the last call is the fan-out's own evidence.
    /// </summary>
    public int ReachableReplicas(int shard) =>
        routes.ReplicasOf(shard).Count(r => !_health.TryGetValue(r.Name, out var h) || Interlocked.Read(ref h.LastCallFailed) == 0);

    private sealed class Health
    {
        public long SuspectUntil;   // Stopwatch timestamp
        public long NextProbe;
        public long LastCallFailed; // 1 from a failed call until the next answer
    }

    private bool IsSuspect(IShardReplica r, long now) => _health.TryGetValue(r.Name, out var h) && Interlocked.Read(ref h.SuspectUntil) > now;

    private void MarkSuspect(IShardReplica r)
    {
        var h = _health.GetOrAdd(r.Name, _ => new Health());
        long now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref h.SuspectUntil, now + (long)(_options.SuspectFor.TotalSeconds * Stopwatch.Frequency));
        Interlocked.Exchange(ref h.LastCallFailed, 1);
        Interlocked.Exchange(ref h.NextProbe, now + (long)(_options.ProbeInterval.TotalSeconds * Stopwatch.Frequency));
    }

    private void MarkHealthy(IShardReplica r)
    {
        if (_health.TryGetValue(r.Name, out var h))
        {
            Interlocked.Exchange(ref h.SuspectUntil, 0);
            Interlocked.Exchange(ref h.LastCallFailed, 0);
        }
    }

    /// <summary>Lets one caller per probe interval try a suspected replica.</summary>
    private bool ClaimProbe(IShardReplica r)
    {
        if (!_health.TryGetValue(r.Name, out var h)) return true;
        long now = Stopwatch.GetTimestamp(), due = Interlocked.Read(ref h.NextProbe);
        if (now < due) return false;
        return Interlocked.CompareExchange(ref h.NextProbe, now + (long)(_options.ProbeInterval.TotalSeconds * Stopwatch.Frequency), due) == due;
    }
}
