using Orleans;
using Orleans.Concurrency;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Cluster;

/// <summary>
/// One replica of one shard, pinned to one silo: key "SHARD@SILO" (e.g. "2@silo-b"). Placed by
/// <see cref="SiloNamePlacement"/> on the silo of that name, whose <see cref="ShardHost"/> holds the shard's index.
/// </summary>
public interface IShardReplicaGrain : IGrainWithStringKey
{
    Task<ShardAnswer> Search(ShardQuery query);
    Task<Retrieval.LexicalStatistics> Statistics(string query);
}

/// <summary>What a silo holds (key: the silo's name); the front end reads it to learn the routes.</summary>
public interface ISiloShardsGrain : IGrainWithStringKey
{
    Task<SiloShards> Describe();
}

/// <summary>A shard's candidates, or the user error it refused the query with (every replica would say the same).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardAnswer([property: Id(0)] ShardCandidates? Candidates, [property: Id(1)] string? Error);

[GenerateSerializer, Immutable]
public sealed record SiloShards(
    [property: Id(0)] string Silo,
    [property: Id(1)] int TotalShards,
    [property: Id(2)] int[] Shards,
    [property: Id(3)] int[] Products,
    [property: Id(4)] string? ModelId);

public static class ReplicaKey
{
    public static string Of(int shard, string silo) => $"{shard}@{silo}";

    public static (int Shard, string Silo) Parse(string key)
    {
        int at = key.IndexOf('@');
        if (at <= 0 || !int.TryParse(key.AsSpan(0, at), out int shard)) throw new ArgumentException($"not a replica key: '{key}'");
        return (shard, key[(at + 1)..]);
    }
}

[SiloNamePlacement, Reentrant]
internal sealed class ShardReplicaGrain(ShardHost host) : Grain, IShardReplicaGrain
{
    private Retrieval.CatalogIndex? _index;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (shard, silo) = ReplicaKey.Parse(this.GetPrimaryKeyString());
        if (!string.Equals(silo, host.SiloName, StringComparison.Ordinal))
            throw new InvalidOperationException($"replica {this.GetPrimaryKeyString()} placed on silo {host.SiloName}");
        _index = host.Shard(shard) ?? throw new InvalidOperationException($"silo {host.SiloName} does not hold shard {shard}");
        return Task.CompletedTask;
    }

    public async Task<ShardAnswer> Search(ShardQuery query)
    {
        try { return new ShardAnswer(await _index!.SearchShardAsync(query), null); }
        catch (InvalidInputException e) { return new ShardAnswer(null, e.Message); }
    }

    public Task<Retrieval.LexicalStatistics> Statistics(string query) => Task.FromResult(_index!.LexicalStatistics(query));
}

[SiloNamePlacement, Reentrant]
internal sealed class SiloShardsGrain(ShardHost host) : Grain, ISiloShardsGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(this.GetPrimaryKeyString(), host.SiloName, StringComparison.Ordinal))
            throw new InvalidOperationException($"silo {this.GetPrimaryKeyString()}'s description placed on silo {host.SiloName}");
        return Task.CompletedTask;
    }

    public Task<SiloShards> Describe() => Task.FromResult(host.Describe());
}
