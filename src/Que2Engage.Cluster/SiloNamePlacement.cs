using Orleans;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Que2Engage.Cluster;

/// <summary>
/// Places a grain whose string key ends in "@NAME" (or is NAME) on the active silo named NAME: a shard replica must run
/// where its index files are loaded, which Orleans' built-in strategies (random, hash, prefer-local, role) cannot
/// express. No such silo → the activation fails, and the caller moves on to another replica.
/// </summary>
[Serializable, GenerateSerializer, Immutable]
public sealed class SiloNamePlacement : PlacementStrategy
{
    internal static readonly SiloNamePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloNamePlacementAttribute() : PlacementAttribute(SiloNamePlacement.Instance);

internal sealed class SiloNamePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        int at = key.LastIndexOf('@');
        var name = at < 0 ? key : key[(at + 1)..];
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var silo = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && string.Equals(m.Name, name, StringComparison.Ordinal) && compatible.Contains(m.SiloAddress))
            .OrderByDescending(m => m.SiloAddress.Generation)
            .FirstOrDefault();
        if (silo is null) throw new OrleansException($"no active silo named '{name}' for grain {target.GrainIdentity}");
        return Task.FromResult(silo.SiloAddress);
    }
}
