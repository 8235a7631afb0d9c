using Que2Engage.Common;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Que2Engage.Retrieval;

/// <summary>
/// Hierarchical Navigable Small World graph (Malkov &amp; Yashunin, TPAMI 2018) for maximum inner product over
/// normalised vectors. Written here because no HNSW package is available for .NET on the project's package source.
/// <list type="bullet">
/// <item>Insertion is Algorithm 1: greedy descent (ef = 1) from the entry point to the node's level, then a
/// beam search with efConstruction on each lower layer and neighbour selection by the heuristic of Algorithm 4
/// (keep a candidate only if it is closer to the new node than to every neighbour already kept; no candidate
/// extension, no keeping of pruned ones, as in hnswlib). Neighbours that overflow (M on upper layers, 2·M on
/// layer 0) are shrunk with the same heuristic.</item>
/// <item>Levels come from a SplitMix64 generator seeded by <see cref="HnswOptions.Seed"/>; its state is saved, so a
/// graph is a deterministic function of (seed, insertion order), also across save → load → append.</item>
/// <item>Building is single-threaded (that is what makes it deterministic); searching is read-only and safe
/// from any number of threads, each taking a pooled context (visited set + two heaps).</item>
/// <item>Storage is flat: vectors in one float block, layer-0 links in one int block with a fixed stride
/// (count, then up to 2·M ids), upper-layer links in one small array per node that has any.</item>
/// </list>
/// Body layout after the common header (<see cref="VectorIndexFile"/>): M, efConstruction, defaultEf, maxLevel,
/// entryPoint (int32 each), seed, rngState (uint64 each); vectors (count × dim float32); levels (count int32);
/// layer-0 links (count × (2M+1) int32); then for each node with level L &gt; 0, L × (M+1) int32.
/// </summary>
public sealed class HnswIndex : IVectorIndex
{
    public const string KindName = "hnsw";

    /// <summary>No node gets a level above this (the chance of needing more is below 1e-30 for M ≥ 2).</summary>
    public const int MaxLevelCap = 30;

    private const int ParamsBytes = 5 * sizeof(int) + 2 * sizeof(ulong);

    private readonly VectorStore _store;
    private readonly int _m;
    private readonly int _maxM0;
    private readonly int _stride0;
    private readonly int _efConstruction;
    private readonly double _levelMultiplier;
    private readonly ulong _seed;
    private ulong _rngState;
    private int[] _levels;
    private int[] _links0;
    private int[]?[] _upper;
    private int _entryPoint = -1;
    private int _maxLevel = -1;
    private int _defaultEf;
    private readonly ConcurrentBag<SearchContext> _contexts = new();

    // Build-time scratch (building is single-threaded).
    private readonly SearchContext _buildContext = new();
    private readonly List<VectorHit> _selected = new();

    public HnswIndex(int dimension, HnswOptions? options = null, int initialCapacity = 1024)
    {
        options ??= new HnswOptions();
        options.Validate();
        _store = new VectorStore(dimension, initialCapacity);
        _m = options.M;
        _maxM0 = 2 * options.M;
        _stride0 = _maxM0 + 1;
        _efConstruction = options.EfConstruction;
        _defaultEf = options.DefaultEf;
        _levelMultiplier = 1.0 / Math.Log(options.M);
        _seed = options.Seed;
        _rngState = options.Seed;
        int cap = Math.Max(1, initialCapacity);
        _levels = new int[cap];
        _links0 = new int[cap * _stride0];
        _upper = new int[]?[cap];
    }

    public string Kind => KindName;
    public int Dimension => _store.Dimension;
    public int Count => _store.Count;
    public int M => _m;
    public int EfConstruction => _efConstruction;
    public ulong Seed => _seed;
    public int MaxLevel => _maxLevel;
    public int EntryPoint => _entryPoint;

    /// <summary>Query-time candidate-list size when a search does not pass one.</summary>
    public int DefaultEf
    {
        get => _defaultEf;
        set => _defaultEf = value >= 1 ? value : throw new InvalidInputException($"HNSW ef must be at least 1 (got {value}).");
    }

    public ReadOnlySpan<float> GetVector(int id) => _store.RowChecked(id);

    /// <summary>The level of node <paramref name="id"/> (0 = only on the bottom layer).</summary>
    public int LevelOf(int id) => (uint)id < (uint)Count ? _levels[id] : throw new ArgumentOutOfRangeException(nameof(id));

    /// <summary>A copy of the neighbour ids of <paramref name="id"/> on <paramref name="level"/> (for tests and diagnostics).</summary>
    public int[] NeighboursOf(int id, int level)
    {
        if ((uint)id >= (uint)Count || level < 0 || level > _levels[id]) throw new ArgumentOutOfRangeException(nameof(level));
        var links = Links(id, level);
        return links.Slice(1, links[0]).ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<int> Links(int node, int level) => level == 0
        ? MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_links0), (nint)node * _stride0), _stride0)
        : _upper[node].AsSpan((level - 1) * (_m + 1), _m + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Similarity(ReadOnlySpan<float> query, int node) => TensorPrimitives.Dot(query, _store.Row(node));

    private ulong NextRandom() => SplitMix64.Next(ref _rngState);

    /// <summary>floor(−ln(U)·mL) with U uniform in (0, 1] and mL = 1/ln(M), the paper's level law.</summary>
    private int RandomLevel()
    {
        double u = ((NextRandom() >> 11) + 1) * (1.0 / (1UL << 53));
        return (int)Math.Min(MaxLevelCap, -Math.Log(u) * _levelMultiplier);
    }

    private void EnsureCapacity(int count)
    {
        if (count <= _levels.Length) return;
        int cap = Math.Max(count, _levels.Length * 2);
        Array.Resize(ref _levels, cap);
        Array.Resize(ref _links0, checked(cap * _stride0));
        Array.Resize(ref _upper, cap);
    }

    /// <summary>Inserts a vector (Algorithm 1). Not thread-safe; do not search while adding.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        int id = _store.Add(vector);
        EnsureCapacity(id + 1);
        int level = RandomLevel();
        _levels[id] = level;
        _links0[id * _stride0] = 0;
        _upper[id] = level > 0 ? new int[level * (_m + 1)] : null;

        if (_entryPoint < 0)
        {
            _entryPoint = id;
            _maxLevel = level;
            return id;
        }

        var q = _store.Row(id);
        int current = _entryPoint;
        float currentSim = Similarity(q, current);
        for (int lc = _maxLevel; lc > level; lc--) GreedyClimb(q, ref current, ref currentSim, lc);

        var ctx = _buildContext;
        for (int lc = Math.Min(level, _maxLevel); lc >= 0; lc--)
        {
            SearchLayer(q, current, currentSim, _efConstruction, lc, ctx);
            var candidates = ctx.Results.DrainDescending();
            SelectNeighbours(candidates, _m, _selected);
            var own = Links(id, lc);
            own[0] = _selected.Count;
            for (int i = 0; i < _selected.Count; i++) own[1 + i] = _selected[i].Id;
            // Copy: Connect reuses _selected while shrinking neighbour lists.
            var chosen = _selected.ToArray();
            foreach (var s in chosen) Connect(s.Id, id, lc);
            current = candidates[0].Id;
            currentSim = candidates[0].Score;
        }

        if (level > _maxLevel)
        {
            _maxLevel = level;
            _entryPoint = id;
        }
        return id;
    }

    /// <summary>Adds the link node → newcomer on <paramref name="level"/>, shrinking node's list with the heuristic when full.</summary>
    private void Connect(int node, int newcomer, int level)
    {
        var links = Links(node, level);
        int count = links[0];
        int max = level == 0 ? _maxM0 : _m;
        if (count < max)
        {
            links[1 + count] = newcomer;
            links[0] = count + 1;
            return;
        }
        var baseVector = _store.Row(node);
        var candidates = new VectorHit[count + 1];
        for (int i = 0; i < count; i++) candidates[i] = new VectorHit(links[1 + i], Similarity(baseVector, links[1 + i]));
        candidates[count] = new VectorHit(newcomer, Similarity(baseVector, newcomer));
        Array.Sort(candidates, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Id.CompareTo(b.Id));
        SelectNeighbours(candidates, max, _selected);
        links[0] = _selected.Count;
        for (int i = 0; i < _selected.Count; i++) links[1 + i] = _selected[i].Id;
    }

    /// <summary>
    /// Algorithm 4 (the neighbour-selection heuristic): walk candidates best first and keep one only if it is more
    /// similar to the base than to every neighbour already kept, up to <paramref name="max"/>. This keeps links
    /// pointing in diverse directions, which is what makes clustered data navigable.
    /// </summary>
    private void SelectNeighbours(VectorHit[] candidatesBestFirst, int max, List<VectorHit> selected)
    {
        selected.Clear();
        if (candidatesBestFirst.Length <= max)
        {
            selected.AddRange(candidatesBestFirst);
            return;
        }
        foreach (var c in candidatesBestFirst)
        {
            var cv = _store.Row(c.Id);
            bool keep = true;
            foreach (var r in selected)
            {
                if (Similarity(cv, r.Id) > c.Score) { keep = false; break; }
            }
            if (keep)
            {
                selected.Add(c);
                if (selected.Count >= max) break;
            }
        }
    }

    /// <summary>Greedy walk with ef = 1 on one layer: move to the best neighbour while it improves.</summary>
    private void GreedyClimb(ReadOnlySpan<float> q, ref int current, ref float currentSim, int level)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            var links = Links(current, level);
            int n = links[0];
            for (int j = 1; j <= n; j++)
            {
                int e = links[j];
                float s = Similarity(q, e);
                if (s > currentSim)
                {
                    currentSim = s;
                    current = e;
                    changed = true;
                }
            }
        }
    }

    /// <summary>
    /// Algorithm 2 (beam search on one layer). Leaves the best ≤ ef nodes in <c>ctx.Results</c> (a min-heap).
    /// While scoring one neighbour it prefetches the next neighbour's vector into cache (as hnswlib does): the
    /// graph walk is memory-bound, and the hardware prefetcher cannot guess the next random row.
    /// </summary>
    private unsafe void SearchLayer(ReadOnlySpan<float> q, int entry, float entrySim, int ef, int level, SearchContext ctx, OrdinalSet? allowed = null)
    {
        var visited = ctx.Visited;
        visited.Reset(Count);
        var candidates = ctx.Candidates;
        var results = ctx.Results;
        candidates.Clear();
        results.Clear();
        visited.TryMark(entry);
        candidates.Push(-entrySim, entry);
        if (allowed is null || allowed.Contains(entry)) results.Push(entrySim, entry);
        int dim = Dimension;
        fixed (float* data = _store.Data)
        {
            while (candidates.Count > 0)
            {
                float candidateSim = -candidates.TopKey;
                int c = candidates.TopId;
                if (candidateSim < results.TopKey && results.Count >= ef) break;
                candidates.Pop();
                var links = Links(c, level);
                int n = links[0];
                if (n > 0 && Sse.IsSupported) Sse.Prefetch0(data + (nint)links[1] * dim);
                for (int j = 1; j <= n; j++)
                {
                    int e = links[j];
                    if (j < n && Sse.IsSupported) Sse.Prefetch0(data + (nint)links[j + 1] * dim);
                    if (!visited.TryMark(e)) continue;
                    float s = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(data + (nint)e * dim, dim));
                    if (results.Count < ef || s > results.TopKey)
                    {
                        // Filtered walk (as hnswlib's): every node still routes the search, only allowed ones are results.
                        candidates.Push(-s, e);
                        if (allowed is not null && !allowed.Contains(e)) continue;
                        if (results.Count < ef) results.Push(s, e);
                        else results.ReplaceTop(s, e);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Algorithm 5. ef = max(parameters.Ef ?? DefaultEf, k). When ef ≥ Count the graph cannot beat a scan, so the
    /// search is exact (this also makes tiny indexes and k ≥ Count return every vector).
    /// With <see cref="SearchParameters.Allowed"/> (deleted listings left out, or a filter applied) the bottom layer
    /// is a filtered walk: all nodes route, only allowed ones enter the results, so the walk runs until it has ef
    /// allowed nodes — the beam widens by itself to about ef / selectivity nodes. That costs about
    /// ef / selectivity × M/2 vector comparisons (each expanded node brings about M/2 unvisited neighbours), so when
    /// the allowed set is smaller than that an exact scan over the allowed ids is both cheaper and exact — the same
    /// choice Lucene's and Vespa's filtered HNSW make. Either way up to k allowed hits come back.
    /// </summary>
    public IReadOnlyList<VectorHit> Search(ReadOnlySpan<float> query, int k, SearchParameters? parameters = null)
    {
        VectorIndexExtensions.CheckK(k);
        VectorIndexExtensions.CheckDimension(Dimension, query.Length, "The query vector");
        int n = Count;
        if (n == 0) return [];
        int ef = Math.Max(parameters?.Ef ?? _defaultEf, k);
        if (ef < 1) throw new InvalidInputException($"ef must be at least 1 (got {ef}).");
        var allowed = parameters?.Allowed;
        if (allowed is not null && allowed.Count >= n) allowed = null;
        if (allowed is not null)
        {
            if (allowed.Count == 0) return [];
            double selectivity = allowed.Count / (double)n;
            if (allowed.Count <= ef / selectivity * (_m / 2.0)) return ExactOver(query, Math.Min(k, allowed.Count), allowed.Ordinals());
        }
        k = Math.Min(k, n);
        if (ef >= n) return ExactOver(query, k, allowed?.Ordinals() ?? Enumerable.Range(0, n));

        if (!_contexts.TryTake(out var ctx)) ctx = new SearchContext();
        try
        {
            int current = _entryPoint;
            float currentSim = Similarity(query, current);
            for (int lc = _maxLevel; lc > 0; lc--) GreedyClimb(query, ref current, ref currentSim, lc);
            SearchLayer(query, current, currentSim, ef, 0, ctx, allowed);
            var results = ctx.Results;
            while (results.Count > k) results.Pop();
            return results.DrainDescending();
        }
        finally
        {
            _contexts.Add(ctx);
        }
    }

    private VectorHit[] ExactOver(ReadOnlySpan<float> query, int k, IEnumerable<int> ids)
    {
        var exact = new ScoreHeap(k);
        int n = Count;
        foreach (int i in ids)
            if (i < n) exact.Offer(Similarity(query, i), i, k);
        return exact.DrainDescending();
    }

    public void Save(string path)
    {
        int n = Count;
        long upperInts = 0;
        for (int i = 0; i < n; i++) upperInts += (long)_levels[i] * (_m + 1);
        long body = ParamsBytes + 4L * n * Dimension + 4L * n + 4L * n * _stride0 + 4L * upperInts;
        using var w = new IndexFileWriter(path);
        VectorIndexFile.WriteHeader(w, VectorIndexFile.KindHnsw, Dimension, n, body);
        w.WriteInt32(_m);
        w.WriteInt32(_efConstruction);
        w.WriteInt32(_defaultEf);
        w.WriteInt32(_maxLevel);
        w.WriteInt32(_entryPoint);
        w.WriteUInt64(_seed);
        w.WriteUInt64(_rngState);
        w.WriteFloats(_store.Filled);
        w.WriteInts(_levels.AsSpan(0, n));
        w.WriteInts(_links0.AsSpan(0, n * _stride0));
        for (int i = 0; i < n; i++)
            if (_levels[i] > 0) w.WriteInts(_upper[i]);
        w.Commit();
    }

    public static HnswIndex Load(string path) => VectorIndexFile.Load(path) as HnswIndex
        ?? throw new InvalidInputException($"{path}: the file holds a {VectorIndexFile.PeekKind(path)} index, not an HNSW one.");

    internal static HnswIndex ReadBody(IndexFileReader r, VectorIndexFile.Header h)
    {
        int m = r.ReadInt32(), efc = r.ReadInt32(), ef = r.ReadInt32(), maxLevel = r.ReadInt32(), entry = r.ReadInt32();
        ulong seed = r.ReadUInt64(), state = r.ReadUInt64();
        if (m < 2 || m > 256 || efc < 1 || ef < 1)
            throw r.Error($"corrupt HNSW parameters (M {m}, efConstruction {efc}, ef {ef}).");
        bool empty = h.Count == 0;
        if (empty ? (entry != -1 || maxLevel != -1) : (entry < 0 || entry >= h.Count || maxLevel < 0 || maxLevel > MaxLevelCap))
            throw r.Error($"corrupt HNSW header (entry point {entry}, max level {maxLevel}, count {h.Count}).");
        int n = h.Count, stride0 = 2 * m + 1;
        long fixedBytes = ParamsBytes + 4L * n * h.Dimension + 4L * n + 4L * n * stride0;
        if (fixedBytes > h.BodyBytes)
            throw r.Error($"corrupt header: an HNSW index of {n} × {h.Dimension} with M {m} needs at least {fixedBytes} body bytes, the header says {h.BodyBytes}.");

        var loaded = new HnswIndex(h.Dimension, new HnswOptions { M = m, EfConstruction = efc, DefaultEf = ef, Seed = seed }, Math.Max(1, n));
        r.ReadFloats(loaded._store.Data.AsSpan(0, n * h.Dimension));
        loaded._store.SetFilledCount(n);
        loaded._rngState = state;
        loaded._entryPoint = entry;
        loaded._maxLevel = maxLevel;
        r.ReadInts(loaded._levels.AsSpan(0, n));
        long upperInts = 0;
        for (int i = 0; i < n; i++)
        {
            int level = loaded._levels[i];
            if (level < 0 || level > maxLevel) throw r.Error($"corrupt HNSW graph: node {i} has level {level} (max level {maxLevel}).");
            upperInts += (long)level * (m + 1);
        }
        if (fixedBytes + 4 * upperInts != h.BodyBytes)
            throw r.Error($"corrupt header: the HNSW body should have {fixedBytes + 4 * upperInts} bytes, the header says {h.BodyBytes}.");
        r.ReadInts(loaded._links0.AsSpan(0, n * stride0));
        for (int i = 0; i < n; i++)
        {
            int level = loaded._levels[i];
            if (level == 0) continue;
            var links = new int[level * (m + 1)];
            r.ReadInts(links);
            loaded._upper[i] = links;
        }
        return loaded;
    }

    /// <summary>
    /// Structural check after the checksum passed: link counts within bounds, neighbour ids valid and present on
    /// the layer, entry point on the top layer. Guards searches against a crafted file that the CRC cannot catch.
    /// </summary>
    internal void ValidateGraph(IndexFileReader r)
    {
        int n = Count;
        if (n == 0) return;
        if (_levels[_entryPoint] != _maxLevel)
            throw r.Error($"corrupt HNSW graph: the entry point {_entryPoint} has level {_levels[_entryPoint]}, not the max level {_maxLevel}.");
        for (int i = 0; i < n; i++)
        {
            for (int level = 0; level <= _levels[i]; level++)
            {
                var links = Links(i, level);
                int count = links[0], max = level == 0 ? _maxM0 : _m;
                if (count < 0 || count > max) throw r.Error($"corrupt HNSW graph: node {i} has {count} links on level {level} (max {max}).");
                for (int j = 1; j <= count; j++)
                {
                    int e = links[j];
                    if ((uint)e >= (uint)n || _levels[e] < level)
                        throw r.Error($"corrupt HNSW graph: node {i} links to {e} on level {level}.");
                }
            }
        }
    }

    /// <summary>Per-search scratch: a visited set and the candidate / result heaps. Pooled, one per concurrent search.</summary>
    private sealed class SearchContext
    {
        public readonly VisitedSet Visited = new();
        public readonly ScoreHeap Candidates = new(256);
        public readonly ScoreHeap Results = new(256);
    }
}
