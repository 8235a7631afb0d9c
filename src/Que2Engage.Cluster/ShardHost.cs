using Que2Engage.Retrieval;
using Que2Engage.Retrieval.Sharding;

namespace Que2Engage.Cluster;

/// <summary>The shards one silo serves: opened read-only from a sharded index directory when the silo starts.</summary>
public sealed class ShardHost : IDisposable
{
    private readonly Dictionary<int, CatalogIndex> _shards = [];

    public ShardHost(string siloName, string root, IReadOnlyCollection<int> shards)
    {
        if (string.IsNullOrWhiteSpace(siloName) || siloName.Contains('@'))
            throw InvalidInputException.Setting($"SiloSettings.Name: '{siloName}' is not a silo name (non-empty, no '@').", "SiloSettings.Name");
        SiloName = siloName;
        Manifest = ShardSetManifest.Read(root);
        if (shards.Count == 0) throw InvalidInputException.Setting("SiloSettings.Shards: give at least one shard to serve.", "SiloSettings.Shards");
        try
        {
            foreach (var s in shards.Distinct().Order())
            {
                if (s < 0 || s >= Manifest.Shards)
                    throw InvalidInputException.Setting($"SiloSettings.Shards: shard {s} does not exist ({root} has shards 0..{Manifest.Shards - 1}).", "SiloSettings.Shards");
                _shards[s] = CatalogIndex.Open(ShardSet.ShardDirectory(root, s));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string SiloName { get; }
    public ShardSetManifest Manifest { get; }
    public IReadOnlyCollection<int> Shards => _shards.Keys;

    public CatalogIndex? Shard(int shard) => _shards.GetValueOrDefault(shard);

    public SiloShards Describe()
    {
        var ids = _shards.Keys.Order().ToArray();
        return new SiloShards(SiloName, Manifest.Shards, ids, ids.Select(i => _shards[i].Count).ToArray(), Manifest.ModelId);
    }

    /// <summary>Parses "0,2" or "0-3" (or a mix: "0,2-4").</summary>
    public static IReadOnlyList<int> ParseShardList(string text)
    {
        var result = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && int.TryParse(range[0], out int one)) result.Add(one);
            else if (range.Length == 2 && int.TryParse(range[0], out int lo) && int.TryParse(range[1], out int hi) && lo <= hi)
                result.AddRange(Enumerable.Range(lo, hi - lo + 1));
            else throw new InvalidInputException($"'{part}' is not a shard number or range (e.g. 0,2 or 0-3).");
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var s in _shards.Values) s.Dispose();
        _shards.Clear();
    }
}
