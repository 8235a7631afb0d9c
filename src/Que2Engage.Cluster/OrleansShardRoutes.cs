using Orleans;
using Orleans.Runtime;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Cluster;

/// <summary>
/// The front end's view of the cluster, refreshed every <see cref="RefreshInterval"/>: the active silos (Orleans
/// membership, through the management grain) and the shards each one holds (its <see cref="ISiloShardsGrain"/>). A
/// silo that joins, leaves or adds a shard replica shows up within one refresh; nothing restarts.
/// </summary>
public sealed class OrleansShardRoutes : IShardRoutes, IAsyncDisposable
{
    private readonly IClusterClient _client;
    private readonly CancellationTokenSource _stop = new();
    private volatile Snapshot _snapshot = new(0, [], []);
    private Task? _loop;

    public OrleansShardRoutes(IClusterClient client) => _client = client;

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int Shards => _snapshot.Shards;
    public IReadOnlyList<IShardReplica> ReplicasOf(int shard) => shard < _snapshot.Replicas.Length ? _snapshot.Replicas[shard] : [];
    /// <summary>The silos' descriptions at the last refresh.</summary>
    public IReadOnlyList<SiloShards> Silos => _snapshot.Silos;
    public int Products => _snapshot.Silos.SelectMany(s => s.Shards.Zip(s.Products)).DistinctBy(p => p.First).Sum(p => p.Second);

    private sealed record Snapshot(int Shards, IReadOnlyList<IShardReplica>[] Replicas, IReadOnlyList<SiloShards> Silos);

    /// <summary>Refreshes once (waiting until every shard has a replica, or <paramref name="wait"/> passes), then keeps refreshing in the background.</summary>
    public async Task StartAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var until = DateTime.UtcNow + wait;
        while (true)
        {
            try { await RefreshAsync(); } catch (Exception) when (DateTime.UtcNow < until) { }
            var s = _snapshot;
            if ((s.Shards > 0 && s.Replicas.All(r => r.Count > 0)) || DateTime.UtcNow >= until) break;
            await Task.Delay(250, cancellationToken);
        }
        // Activate every replica grain once (and warm its code path) so the first user queries do not pay for it.
        var warm = new ShardQuery("", null, 0, 1);
        await Task.WhenAll(_snapshot.Replicas.SelectMany(r => r).Select(async r =>
        {
            try { await r.SearchAsync(warm, cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested) { }
        }));
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try { await Task.Delay(RefreshInterval, _stop.Token); await RefreshAsync(); }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
                catch (Exception) { /* keep the last routes; the fan-out copes with dead replicas */ }
            }
        });
    }

    public async Task RefreshAsync()
    {
        var hosts = await _client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2));
        var described = await Task.WhenAll(hosts.Select(async h =>
        {
            try { return await _client.GetGrain<ISiloShardsGrain>(h.SiloName).Describe().WaitAsync(TimeSpan.FromSeconds(1)); }
            catch (Exception) { return null; }
        }));
        var silos = described.OfType<SiloShards>().OrderBy(s => s.Silo, StringComparer.Ordinal).ToList();
        int shards = silos.Count == 0 ? _snapshot.Shards : silos.Max(s => s.TotalShards);
        var replicas = Enumerable.Range(0, shards).Select(_ => new List<IShardReplica>()).ToArray();
        foreach (var silo in silos)
            foreach (var shard in silo.Shards.Where(x => x < shards))
                replicas[shard].Add(new GrainReplica(ReplicaKey.Of(shard, silo.Silo), _client.GetGrain<IShardReplicaGrain>(ReplicaKey.Of(shard, silo.Silo))));
        _snapshot = new Snapshot(shards, replicas.Select(r => (IReadOnlyList<IShardReplica>)r).ToArray(), silos);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }

    private sealed class GrainReplica(string name, IShardReplicaGrain grain) : IShardReplica
    {
        public string Name { get; } = name;

        public async Task<ShardCandidates> SearchAsync(ShardQuery query, CancellationToken cancellationToken)
        {
            var answer = await grain.Search(query);
            if (answer.Error is not null) throw new InvalidInputException(answer.Error);
            return answer.Candidates ?? throw new InvalidOperationException($"replica {Name} answered nothing");
        }

        public Task<Retrieval.LexicalStatistics> StatisticsAsync(string query, CancellationToken cancellationToken) => grain.Statistics(query);
    }
}
