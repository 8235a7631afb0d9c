using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Que2Engage.Cluster;

/// <summary>
/// How silos find each other: a Redis membership table (Microsoft.Orleans.Clustering.Redis; any silo may die), or
/// Orleans' development clustering, whose membership table lives in the primary silo (one machine or a lab: the
/// cluster survives the loss of any silo but the primary).
/// </summary>
public sealed record Membership
{
    public string ClusterId { get; init; } = "que2engage";
    public string ServiceId { get; init; } = "que2engage";
    /// <summary>Redis connection string ("127.0.0.1:6379"); null = development clustering.</summary>
    public string? Redis { get; init; }
    /// <summary>Development clustering: the primary silo's endpoint (null on the primary itself).</summary>
    public IPEndPoint? Primary { get; init; }
    /// <summary>Front ends under development clustering: the silos' gateway endpoints.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; init; } = [];

    /// <summary>Fails unless the membership is one kind: Redis, or development clustering (a primary silo / gateways).</summary>
    public void Validate()
    {
        if (Redis is not null && Primary is not null)
            throw InvalidInputException.Setting("give Membership.Primary or Membership.Redis, not both.", "Membership.Primary", "Membership.Redis");
        if (Redis is not null && Gateways.Count > 0)
            throw InvalidInputException.Setting("give Membership.Gateways or Membership.Redis, not both.", "Membership.Gateways", "Membership.Redis");
    }

    /// <param name="flag">How the caller names the value in errors (the CLI: its flag).</param>
    public static IPEndPoint ParseEndpoint(string text, string flag)
    {
        if (IPEndPoint.TryParse(text, out var ep) && ep.Port > 0) return ep;
        throw new InvalidInputException($"{flag}: '{text}' is not IP:PORT (e.g. 127.0.0.1:11111).");
    }
}

public sealed record SiloSettings
{
    public required string Name { get; init; }
    public required string IndexRoot { get; init; }
    public required IReadOnlyList<int> Shards { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public Membership Membership { get; init; } = new();
}

public static class ClusterHosting
{
    /// <summary>Types of the library that cross the wire as JSON (shard queries, answers, listings, filters).</summary>
    internal static bool IsWireType(Type t) =>
        t.Assembly == typeof(Retrieval.CatalogEntry).Assembly && t.Namespace is "Que2Engage.Retrieval" or "Que2Engage.Retrieval.Sharding";

    /// <summary>Failure detection in seconds rather than Orleans' default tens of seconds: probes every second, two misses suspect.</summary>
    private static void FastMembership(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
    }

    /// <summary>A silo serving <paramref name="shards"/> (opened by the caller) until the host stops.</summary>
    public static IHost BuildSilo(SiloSettings s, ShardHost shards)
    {
        s.Membership.Validate();
        if (!IPAddress.TryParse(s.Host, out var address)) throw InvalidInputException.Setting($"SiloSettings.Host: '{s.Host}' is not an IP address.", "SiloSettings.Host");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(shards);
        builder.UseOrleans(silo =>
        {
            if (s.Membership.Redis is { } redis) silo.UseRedisClustering(redis);
            else silo.UseDevelopmentClustering(s.Membership.Primary ?? new IPEndPoint(address, s.SiloPort));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = address;
                o.SiloPort = s.SiloPort;
                o.GatewayPort = s.GatewayPort;
            });
            silo.Configure<ClusterOptions>(o => { o.ClusterId = s.Membership.ClusterId; o.ServiceId = s.Membership.ServiceId; });
            silo.Configure<SiloOptions>(o => o.SiloName = s.Name);
            silo.Configure<ClusterMembershipOptions>(FastMembership);
            silo.Services.AddSerializer(b => b.AddJsonSerializer(IsWireType));
            silo.Services.AddPlacementDirector<SiloNamePlacement, SiloNamePlacementDirector>();
        });
        return builder.Build();
    }

    /// <summary>An Orleans client of the cluster (the front end), connecting within <paramref name="connectTimeout"/>.</summary>
    public static IHost BuildClient(Membership m, TimeSpan connectTimeout)
    {
        m.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            if (m.Redis is { } redis) client.UseRedisClustering(redis);
            else
            {
                if (m.Gateways.Count == 0)
                    throw InvalidInputException.Setting("Membership.Gateways: give at least one silo gateway (IP:PORT), or Membership.Redis.",
                        "Membership.Gateways", "Membership.Redis");
                client.UseStaticClustering(m.Gateways.ToArray());
            }
            client.Configure<ClusterOptions>(o => { o.ClusterId = m.ClusterId; o.ServiceId = m.ServiceId; });
            client.Services.AddSerializer(b => b.AddJsonSerializer(IsWireType));
            var until = DateTime.UtcNow + connectTimeout;
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (DateTime.UtcNow > until) return false;
                await Task.Delay(500, ct);
                return true;
            });
        });
        return builder.Build();
    }
}
