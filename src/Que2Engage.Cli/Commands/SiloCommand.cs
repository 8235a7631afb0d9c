using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Que2Engage.Cluster;

namespace Que2Engage.Cli.Commands;

/// <summary>
/// <c>silo --index SHARDED_DIR --shards 0,1 --name a [--port 11111] [--gateway-port 30000] [--primary IP:PORT | --redis HOST:PORT]</c>:
/// one Orleans silo serving some shards of a sharded index until Ctrl+C (see <see cref="ClusterHosting"/>).
/// </summary>
public static class SiloCommand
{
    public static Command Create()
    {
        var index = new Option<string>("--index") { Description = "Sharded index directory written by 'index --shards N'.", Required = true };
        var shards = new Option<IReadOnlyList<int>>("--shards")
        {
            Description = "Shards this silo serves: 0,2 or 0-3.", Required = true,
            CustomParser = r =>
            {
                try { return ShardHost.ParseShardList(r.Tokens.Count == 0 ? "" : r.Tokens[^1].Value); }
                catch (InvalidInputException e) { r.AddError($"--shards: {e.Message}"); return []; }
            },
        };
        var name = new Option<string>("--name") { Description = "This silo's name, unique in the cluster (a restarted silo keeps its name).", Required = true };
        var host = new Option<string>("--host") { Description = "IP address to listen on and advertise to the other silos.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Silo-to-silo TCP port.", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "TCP port front ends connect to.", DefaultValueFactory = _ => 30000 };
        var primary = new Option<string?>("--primary") { Description = "Development clustering: the primary silo's IP:PORT (omit on the primary itself)." };
        var redis = new Option<string?>("--redis") { Description = "Redis membership (e.g. 127.0.0.1:6379) instead of a primary silo." };
        var clusterId = new Option<string>("--cluster-id") { Description = "Cluster id (silos and front ends of one cluster share it).", DefaultValueFactory = _ => "que2engage" };
        var cmd = new Command("silo", "Run an Orleans silo serving shards of a sharded index (see 'serve --cluster').")
            { index, shards, name, host, port, gatewayPort, primary, redis, clusterId };
        cmd.SetAction(p => Verbs.Run(p, () =>
        {
            var settings = new SiloSettings
            {
                Name = p.GetValue(name)!, IndexRoot = p.GetValue(index)!, Shards = p.GetValue(shards)!,
                Host = p.GetValue(host)!, SiloPort = p.GetValue(port), GatewayPort = p.GetValue(gatewayPort),
                Membership = new Membership
                {
                    ClusterId = p.GetValue(clusterId)!, Redis = p.GetValue(redis),
                    Primary = p.GetValue(primary) is { } pr ? Membership.ParseEndpoint(pr, "--primary") : null,
                },
            };
            settings.Membership.Validate();
            ServeClusterMode.RequireShardSet(settings.IndexRoot);
            using var shardHost = new ShardHost(settings.Name, settings.IndexRoot, settings.Shards);
            using var silo = ClusterHosting.BuildSilo(settings, shardHost);
            silo.Start();
            p.InvocationConfiguration.Output.WriteLine(
                $"silo {settings.Name} serving shard{(shardHost.Shards.Count == 1 ? "" : "s")} {string.Join(",", shardHost.Shards.Order())} of {shardHost.Manifest.Shards} " +
                $"({shardHost.Describe().Products.Sum():N0} products) on {settings.Host}:{settings.SiloPort}, gateway {settings.GatewayPort} — Ctrl+C to stop");
            silo.WaitForShutdown();
            return 0;
        }));
        return cmd;
    }
}
