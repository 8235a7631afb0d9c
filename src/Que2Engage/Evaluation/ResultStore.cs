using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Que2Engage.Common;

namespace Que2Engage.Evaluation;

/// <summary>A saved ablation cell: its metrics, the raw per-pair scores (to redraw ROC curves after a resume) and
/// its training loss curve (possibly empty), and the settings it was trained with (null in cells written before they were
/// recorded, or for cells without training).</summary>
public sealed record StoredCell(string Row, int Seed, EvaluationResult Result, IReadOnlyList<(double Step, double Loss)> Loss,
    IReadOnlyDictionary<string, string>? Settings = null);

/// <summary>
/// One JSON file per ablation cell (row + seed) in a directory, written atomically, so an interrupted ablation run
/// resumes by skipping every cell whose file exists. File name: a readable slug of the row, an FNV-1a hash of the
/// exact row name (so distinct names never collide), and the seed.
/// </summary>
public sealed class ResultStore
{
    public string Directory { get; }

    public ResultStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = directory;
    }

    public string PathFor(string row, int seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(row);
        return Path.Combine(Directory, $"{Slug(row)}-{StableHash.Fnv1a64(row) & 0xFFFFFFFF:x8}-seed{seed}.json");
    }

    /// <summary>True when this cell was already completed (its file exists).</summary>
    public bool Has(string row, int seed) => File.Exists(PathFor(row, seed));

    public void Save(string row, int seed, EvaluationResult result, IReadOnlyList<(double Step, double Loss)>? loss = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = new JsonObject
        {
            ["row"] = row,
            ["seed"] = seed,
            ["result"] = result.ToJsonObject(),
            ["raw"] = new JsonObject
            {
                ["engagement_scores"] = Numbers(result.EngagementScores),
                ["engagement_labels"] = Bools(result.EngagementLabels),
                ["relevance_scores"] = Numbers(result.RelevanceScores),
                ["relevance_labels"] = Bools(result.RelevanceLabels),
            },
            ["loss"] = new JsonArray((loss ?? []).Select(p => (JsonNode?)new JsonArray(
                EvaluationResult.JsonNumberOrNull(p.Step), EvaluationResult.JsonNumberOrNull(p.Loss))).ToArray()),
        };
        if (settings is not null)
            o["settings"] = new JsonObject(settings.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        AtomicFile.WriteAllText(PathFor(row, seed), o.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <returns>The stored cell, or null when it was not run yet.</returns>
    public StoredCell? TryLoad(string row, int seed)
    {
        string path = PathFor(row, seed);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>Every stored cell in the directory (files not written by this store are ignored).</summary>
    public IReadOnlyList<StoredCell> LoadAll()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateFiles(Directory, "*-seed*.json").Order(StringComparer.Ordinal).Select(Load).ToList();
    }

    private static StoredCell Load(string path)
    {
        JsonObject o;
        try { o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new DataFormatException(path, null, null, "expected a JSON object"); }
        catch (JsonException e) { throw new DataFormatException(path, null, null, $"not valid JSON: {e.Message}", e); }
        catch (IOException e) { throw new Que2EngageException($"cannot read '{path}': {e.Message}", inner: e); }

        string row = Field(path, () => o["row"]!.GetValue<string>(), "row");
        int seed = Field(path, () => o["seed"]!.GetValue<int>(), "seed");
        var resultNode = o["result"] as JsonObject ?? throw new DataFormatException(path, null, "result", "missing or not an object");
        var result = EvaluationResult.FromJsonObject(resultNode, path);
        if (o["raw"] is JsonObject raw)
        {
            result = result with
            {
                EngagementScores = Field(path, () => ReadNumbers(raw["engagement_scores"]), "raw.engagement_scores"),
                EngagementLabels = Field(path, () => ReadBools(raw["engagement_labels"]), "raw.engagement_labels"),
                RelevanceScores = Field(path, () => ReadNumbers(raw["relevance_scores"]), "raw.relevance_scores"),
                RelevanceLabels = Field(path, () => ReadBools(raw["relevance_labels"]), "raw.relevance_labels"),
            };
        }
        var loss = Field(path, () => (o["loss"] as JsonArray ?? [])
            .Select(p => (p![0]?.GetValue<double>() ?? double.NaN, p[1]?.GetValue<double>() ?? double.NaN)).ToList(), "loss");
        var settings = o["settings"] is JsonObject s
            ? Field(path, () => s.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal), "settings")
            : null;
        return new StoredCell(row, seed, result, loss, settings);
    }

    private static T Field<T>(string path, Func<T> read, string field)
    {
        try { return read(); }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        { throw new DataFormatException(path, null, field, "missing or of the wrong type", e); }
    }

    private static JsonArray Numbers(IReadOnlyList<double> values) =>
        new(values.Select(v => EvaluationResult.JsonNumberOrNull(v)).ToArray());

    private static JsonArray Bools(IReadOnlyList<bool> values) =>
        new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static double[] ReadNumbers(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n?.GetValue<double>() ?? double.NaN).ToArray();

    private static bool[] ReadBools(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n!.GetValue<bool>()).ToArray();

    private static string Slug(string row)
    {
        var sb = new StringBuilder();
        foreach (char c in row.ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        string slug = string.Join('-', sb.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "row" : slug.Length > 60 ? slug[..60] : slug;
    }
}
