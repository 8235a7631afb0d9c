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
/// <item><see cref="Add"/> inserts one node on the calling thread (deterministic). <see cref="AddRows"/> inserts many on
/// several threads, as hnswlib does: levels are drawn in id order first, then nodes are inserted concurrently, every
/// read or write of a node's link list under that node's lock (striped locks; a thread never holds two), the entry
/// point under a global lock. With one thread it builds exactly the graph of the <see cref="Add"/> loop. Searching is
/// read-only and safe from any number of threads, each taking a pooled context (visited set + two heaps).</item>
/// <item>With <see cref="VectorQuantization.Int8"/> the query-time walk compares 8-bit codes
/// (<see cref="ScalarQuantizer"/>) and the final ef candidates are re-ranked on the exact float vectors; the graph
/// itself is built on the float vectors.</item>
/// <item>Storage is flat: vectors in one float block, layer-0 links in one int block with a fixed stride
/// (count, then up to 2·M ids), upper-layer links in one small array per node that has any.</item>
/// </list>
/// Body layout after the common header (<see cref="VectorIndexFile"/>): M, efConstruction, defaultEf, maxLevel,
/// entryPoint (int32 each), seed, rngState (uint64 each); [format 2: quantization (int32: 0 none, 1 int8), and for
/// int8 the per-dimension low and scale (dim float32 each)]; vectors (count × dim float32); levels (count int32);
/// layer-0 links (count × (2M+1) int32); then for each node with level L &gt; 0, L × (M+1) int32; [format 2, int8:
/// the codes, count × stride bytes, stride = dim rounded up to 16]. Format-1 files (no quantization field) still load.
/// </summary>
public sealed class HnswIndex : IVectorIndex
{

    /// <summary>No node gets a level above this (the chance of needing more is below 1e-30 for M ≥ 2).</summary>
    public const int MaxLevelCap = 30;

    private const int ParamsBytes = 5 * sizeof(int) + 2 * sizeof(ulong);

    /// <summary>Link-list locks of a concurrent build, striped by node id (hnswlib keeps one mutex per node; a stripe
    /// costs no memory per node and, since a thread holds one lock at a time, cannot deadlock).</summary>
    private const int LockStripes = 1 << 12;

    private readonly VectorStore _store;
    private readonly int _m;
    private readonly int _maxM0;
    private readonly int _stride0;
    private readonly int _efConstruction;
    private readonly double _levelMultiplier;
    private readonly ulong _seed;
    private readonly VectorQuantization _quantization;
    private ulong _rngState;
    private int[] _levels;
    private int[] _links0;
    private int[]?[] _upper;
    private int _entryPoint = -1;
    private int _maxLevel = -1;
    private int _defaultEf;
    private volatile ScalarQuantizer? _quantizer;
    private readonly ConcurrentBag<SearchContext> _contexts = new();
    private readonly object _globalLock = new();
    private object[]? _locks;

    // Scratch of the single-threaded Add.
    private readonly Inserter _inserter;

    public HnswIndex(int dimension, HnswOptions? options = null, int initialCapacity = 1024)
        : this(options ?? new HnswOptions(), new VectorStore(dimension, initialCapacity), initialCapacity)
    {
    }

    private HnswIndex(HnswOptions options, VectorStore store, int initialCapacity)
    {
        options.Validate();
        _store = store;
        _m = options.M;
        _maxM0 = 2 * options.M;
        _stride0 = _maxM0 + 1;
        _efConstruction = options.EfConstruction;
        _defaultEf = options.DefaultEf;
        _levelMultiplier = 1.0 / Math.Log(options.M);
        _seed = options.Seed;
        _rngState = options.Seed;
        _quantization = options.Quantization;
        int cap = Math.Max(1, initialCapacity);
        _levels = new int[cap];
        _links0 = new int[cap * _stride0];
        _upper = new int[]?[cap];
        _inserter = new Inserter(_stride0);
    }

    public VectorIndexKind Kind => VectorIndexKind.Hnsw;
    public int Dimension => _store.Dimension;
    public int Count => _store.Count;
    public int M => _m;
    public int EfConstruction => _efConstruction;
    public ulong Seed => _seed;
    public int MaxLevel => _maxLevel;
    public int EntryPoint => _entryPoint;
    public VectorQuantization Quantization => _quantization;

    /// <summary>
    /// Whether searches of an int8 index walk the codes (true, the default) or the float vectors (false: the same graph
    /// searched as a float index, for comparing the two on one build).
    /// </summary>
    public bool QuantizedWalk { get; set; } = true;

    /// <summary>True once the int8 codes exist (after <see cref="Quantize"/>, <see cref="AddRows"/>, <see cref="Save"/> or a load).</summary>
    public bool IsQuantized => _quantizer is not null;

    /// <summary>The build options this index was made with (to build another like it).</summary>
    public HnswOptions Options => new() { M = _m, EfConstruction = _efConstruction, DefaultEf = _defaultEf, Seed = _seed, Quantization = _quantization };

    /// <summary>Query-time candidate-list size when a search does not pass one.</summary>
    public int DefaultEf
    {
        get => _defaultEf;
        set => _defaultEf = value >= 1 ? value : throw new InvalidInputException($"HNSW ef must be at least 1 (got {value}).");
    }

    /// <summary>Memory per vector by part: the float vector, the 8-bit code (0 without int8), the links (layer 0, level, upper layers on average).</summary>
    public (int FloatBytes, int CodeBytes, double GraphBytes) BytesPerVector()
    {
        long upper = 0;
        for (int i = 0; i < Count; i++) upper += _levels[i] > 0 ? (long)_levels[i] * (_m + 1) * 4 : 0;
        return (Dimension * sizeof(float), _quantization == VectorQuantization.Int8 ? ScalarQuantizer.StrideOf(Dimension) : 0,
            _stride0 * 4 + 4 + (Count == 0 ? 0 : upper / (double)Count));
    }

    public ReadOnlySpan<float> GetVector(int id) => _store.RowChecked(id);

    /// <summary>True while the float vectors are served from a memory map of the index file (until the first Add).</summary>
    public bool IsMemoryMapped => _store.IsMapped;

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

    /// <summary>Stores the vector, draws its level and allocates its (empty) link lists; not yet linked.</summary>
    private int Append(ReadOnlySpan<float> vector)
    {
        int id = _store.Add(vector);
        EnsureCapacity(id + 1);
        int level = RandomLevel();
        _levels[id] = level;
        _links0[id * _stride0] = 0;
        _upper[id] = level > 0 ? new int[level * (_m + 1)] : null;
        _quantizer?.Add(vector);
        return id;
    }

    /// <summary>An empty HNSW index with this one's <see cref="Options"/>.</summary>
    public IVectorIndex CreateEmpty(int initialCapacity) => new HnswIndex(Dimension, Options, initialCapacity);

    /// <summary>Inserts a vector (Algorithm 1). Not thread-safe; do not search while adding.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        int id = Append(vector);
        Insert(id, _inserter, concurrent: false);
        return id;
    }

    /// <summary>
    /// Inserts the rows of <paramref name="rows"/> (row-major, a multiple of the dimension) on <paramref name="threads"/>
    /// threads, then (for an int8 index) fits the quantiser if it is not fitted yet. With one thread the graph is the one
    /// an <see cref="Add"/> loop builds; with more it is as good but depends on scheduling. Returns the first new id.
    /// Not thread-safe with anything else; <paramref name="progress"/> gets the number of rows inserted so far.
    /// </summary>
    public int AddRows(ReadOnlySpan<float> rows, int threads = 1, Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int dim = Dimension;
        if (rows.Length % dim != 0)
            throw new InvalidInputException($"{rows.Length} floats are not a whole number of {dim}-dimensional rows.");
        if (threads < 1) throw new InvalidInputException($"The number of build threads must be at least 1 (got {threads}).");
        int count = rows.Length / dim, first = Count;
        if (count == 0) return first;
        EnsureCapacity(first + count);
        for (int i = 0; i < count; i++) Append(rows.Slice(i * dim, dim));
        int next = first, done = 0;
        if (_entryPoint < 0) { Insert(next++, _inserter, concurrent: false); done++; }
        if (threads == 1 || count - done < 2 * threads)
        {
            for (; next < first + count; next++)
            {
                if ((next & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                Insert(next, _inserter, concurrent: false);
                if ((++done & 4095) == 0) progress?.Invoke(done);
            }
        }
        else
        {
            _locks ??= Enumerable.Range(0, LockStripes).Select(_ => new object()).ToArray();
            int end = first + count, counter = next - 1, reported = done;
            var progressGate = new object();
            var workers = new Thread[threads];
            Exception? failure = null;
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    var inserter = new Inserter(_stride0);
                    try
                    {
                        int id;
                        while ((id = Interlocked.Increment(ref counter)) < end && failure is null)
                        {
                            if ((id & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                            Insert(id, inserter, concurrent: true);
                            int d = Interlocked.Increment(ref reported);
                            if ((d & 4095) == 0 && progress is not null) lock (progressGate) progress(d);
                        }
                    }
                    catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }
                }) { IsBackground = true, Name = $"hnsw-build-{t}" };
                workers[t].Start();
            }
            foreach (var w in workers) w.Join();
            if (failure is OperationCanceledException oce) throw new OperationCanceledException(oce.Message, oce, oce.CancellationToken);
            if (failure is Que2EngageException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            if (failure is not null) throw new Que2EngageException($"Parallel HNSW insertion failed: {failure.Message}", 1, failure);
        }
        progress?.Invoke(count);
        if (_quantization == VectorQuantization.Int8) Quantize();
        return first;
    }

    /// <summary>
    /// Fits the int8 quantiser to the vectors stored so far and encodes them (a no-op when already fitted or when the
    /// index is not int8). Vectors added later are encoded with the fitted ranges (clamped). Not thread-safe with Add.
    /// </summary>
    public void Quantize()
    {
        if (_quantization != VectorQuantization.Int8 || _quantizer is not null) return;
        _quantizer = ScalarQuantizer.Fit(_store.Filled, Dimension, Count, Math.Max(Count, _levels.Length));
    }

    /// <summary>One node's insertion (Algorithm 1); with <paramref name="concurrent"/> every link list is read and written under its lock.</summary>
    private unsafe void Insert(int id, Inserter ins, bool concurrent)
    {
        int level = _levels[id];
        int entry, maxLevel;
        if (concurrent) lock (_globalLock) { entry = _entryPoint; maxLevel = _maxLevel; }
        else { entry = _entryPoint; maxLevel = _maxLevel; }
        if (entry < 0)
        {
            _entryPoint = id;
            _maxLevel = level;
            return;
        }
        var locks = concurrent ? _locks : null;
        fixed (float* data = &_store.First)
            InsertLinked(id, level, entry, maxLevel, new FloatScorer(data, data + (nint)id * Dimension, Dimension), ins, locks);

        if (level > maxLevel)
        {
            if (concurrent) Monitor.Enter(_globalLock);
            try
            {
                if (level > _maxLevel)
                {
                    _maxLevel = level;
                    _entryPoint = id;
                }
            }
            finally
            {
                if (concurrent) Monitor.Exit(_globalLock);
            }
        }
    }

    private void InsertLinked(int id, int level, int entry, int maxLevel, FloatScorer scorer, Inserter ins, object[]? locks)
    {
        int current = entry;
        float currentSim = scorer.Score(current);
        for (int lc = maxLevel; lc > level; lc--) GreedyClimb(ref scorer, ref current, ref currentSim, lc, ins.Links, locks);

        var ctx = ins.Context;
        for (int lc = Math.Min(level, maxLevel); lc >= 0; lc--)
        {
            SearchLayer(ref scorer, current, currentSim, _efConstruction, lc, ctx, null, ins.Links, locks);
            var candidates = ctx.Results.DrainDescending();
            if (locks is not null) candidates = Array.FindAll(candidates, c => c.Id != id);
            if (candidates.Length == 0) continue;
            SelectNeighbours(candidates, _m, ins.Selected);
            var chosen = ins.Selected.ToArray(); // Connect reuses Selected while shrinking neighbour lists.
            if (locks is null) WriteLinks(id, lc, chosen);
            else lock (locks[id & (LockStripes - 1)]) WriteLinks(id, lc, chosen);
            foreach (var s in chosen)
            {
                if (locks is null) Connect(s.Id, id, lc, ins.Selected);
                else lock (locks[s.Id & (LockStripes - 1)]) Connect(s.Id, id, lc, ins.Selected);
            }
            current = candidates[0].Id;
            currentSim = candidates[0].Score;
        }
    }

    private void WriteLinks(int id, int level, VectorHit[] chosen)
    {
        var own = Links(id, level);
        own[0] = chosen.Length;
        for (int i = 0; i < chosen.Length; i++) own[1 + i] = chosen[i].Id;
    }

    /// <summary>Adds the link node → newcomer on <paramref name="level"/>, shrinking node's list with the heuristic when full.</summary>
    private void Connect(int node, int newcomer, int level, List<VectorHit> selected)
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
        SelectNeighbours(candidates, max, selected);
        links[0] = selected.Count;
        for (int i = 0; i < selected.Count; i++) links[1 + i] = selected[i].Id;
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

    /// <summary>The link list of <paramref name="node"/>: the live span, or (concurrent build) a copy taken under the node's lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<int> ReadLinks(int node, int level, int[] buffer, object[]? locks)
    {
        var links = Links(node, level);
        if (locks is null) return links;
        lock (locks[node & (LockStripes - 1)])
        {
            int n = links[0];
            links[..(n + 1)].CopyTo(buffer);
            return buffer.AsSpan(0, n + 1);
        }
    }

    /// <summary>Greedy walk with ef = 1 on one layer: move to the best neighbour while it improves.</summary>
    private void GreedyClimb<TScorer>(ref TScorer scorer, ref int current, ref float currentSim, int level, int[] buffer, object[]? locks)
        where TScorer : struct, INodeScorer
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            var links = ReadLinks(current, level, buffer, locks);
            int n = links[0];
            for (int j = 1; j <= n; j++)
            {
                int e = links[j];
                float s = scorer.Score(e);
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
    private void SearchLayer<TScorer>(ref TScorer scorer, int entry, float entrySim, int ef, int level, SearchContext ctx,
        OrdinalSet? allowed, int[] buffer, object[]? locks) where TScorer : struct, INodeScorer
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
        while (candidates.Count > 0)
        {
            float candidateSim = -candidates.TopKey;
            int c = candidates.TopId;
            if (candidateSim < results.TopKey && results.Count >= ef) break;
            candidates.Pop();
            var links = ReadLinks(c, level, buffer, locks);
            int n = links[0];
            if (n > 0) scorer.Prefetch(links[1]);
            for (int j = 1; j <= n; j++)
            {
                int e = links[j];
                if (j < n) scorer.Prefetch(links[j + 1]);
                if (!visited.TryMark(e)) continue;
                float s = scorer.Score(e);
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

    /// <summary>
    /// Algorithm 5. ef = max(parameters.Ef ?? DefaultEf, k). When ef ≥ Count the graph cannot beat a scan, so the
    /// search is exact (this also makes tiny indexes and k ≥ Count return every vector).
    /// With <see cref="SearchParameters.Allowed"/> (deleted listings left out, or a filter applied) the bottom layer
    /// is a filtered walk: all nodes route, only allowed ones enter the results, so the walk runs until it has ef
    /// allowed nodes — the beam widens by itself to about ef / selectivity nodes. That costs about
    /// ef / selectivity × M/2 vector comparisons (each expanded node brings about M/2 unvisited neighbours), so when
    /// the allowed set is smaller than that an exact scan over the allowed ids is both cheaper and exact — the same
    /// choice Lucene's and Vespa's filtered HNSW make. Either way up to k allowed hits come back.
    /// An int8 index walks on the codes and re-ranks its ef candidates by the exact float inner product.
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
            var quantizer = _quantizer;
            if (quantizer is not null && quantizer.Count == n && QuantizedWalk) return SearchInt8(query, k, ef, allowed, ctx, quantizer);
            unsafe
            {
                fixed (float* data = &_store.First)
                fixed (float* q = query)
                {
                    var scorer = new FloatScorer(data, q, Dimension);
                    int current = _entryPoint;
                    float currentSim = scorer.Score(current);
                    for (int lc = _maxLevel; lc > 0; lc--) GreedyClimb(ref scorer, ref current, ref currentSim, lc, ctx.LinkBuffer, null);
                    SearchLayer(ref scorer, current, currentSim, ef, 0, ctx, allowed, ctx.LinkBuffer, null);
                }
            }
            var results = ctx.Results;
            while (results.Count > k) results.Pop();
            return results.DrainDescending();
        }
        finally
        {
            _contexts.Add(ctx);
        }
    }

    private unsafe VectorHit[] SearchInt8(ReadOnlySpan<float> query, int k, int ef, OrdinalSet? allowed, SearchContext ctx, ScalarQuantizer quantizer)
    {
        int stride = quantizer.Stride;
        if (ctx.QueryWeights.Length < stride) ctx.QueryWeights = GC.AllocateArray<short>(stride, pinned: true);
        quantizer.PrepareQuery(query, ctx.QueryWeights, out float factor, out float offset);
        var results = ctx.Results;
        fixed (byte* codes = quantizer.Codes)
        fixed (short* weights = ctx.QueryWeights)
        {
            var scorer = new Int8Scorer(codes, weights, stride, factor, offset);
            int current = _entryPoint;
            float currentSim = scorer.Score(current);
            for (int lc = _maxLevel; lc > 0; lc--) GreedyClimb(ref scorer, ref current, ref currentSim, lc, ctx.LinkBuffer, null);
            SearchLayer(ref scorer, current, currentSim, ef, 0, ctx, allowed, ctx.LinkBuffer, null);
        }
        // Exact re-rank of the walk's ef candidates on the float vectors: rows are fetched a few ahead of the one being
        // scored (each is several cache lines at random places, and the heap may be a memory map).
        int count = results.Count;
        if (ctx.RerankIds.Length < count) ctx.RerankIds = new int[Math.Max(count, 2 * ctx.RerankIds.Length)];
        var ids = ctx.RerankIds;
        for (int i = 0; i < count; i++) { ids[i] = results.TopId; results.Pop(); }
        var exact = ctx.Rerank;
        exact.Clear();
        const int Ahead = 4;
        int dim = Dimension, lines = (dim * sizeof(float) + 63) / 64;
        fixed (float* data = &_store.First)
        fixed (float* q = query)
        {
            for (int i = 0; i < count + Ahead; i++)
            {
                if (i < count && Sse.IsSupported)
                {
                    byte* row = (byte*)(data + (nint)ids[i] * dim);
                    for (int l = 0; l < lines; l++) Sse.Prefetch0(row + 64 * l);
                }
                int j = i - Ahead;
                if (j >= 0)
                    exact.Offer(TensorPrimitives.Dot(new ReadOnlySpan<float>(q, dim), new ReadOnlySpan<float>(data + (nint)ids[j] * dim, dim)), ids[j], k);
            }
        }
        return exact.DrainDescending();
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
        Quantize();
        var quantizer = _quantizer;
        int n = Count;
        long upperInts = 0;
        for (int i = 0; i < n; i++) upperInts += (long)_levels[i] * (_m + 1);
        long quantBytes = sizeof(int) + (quantizer is null ? 0 : 8L * Dimension + (long)n * quantizer.Stride);
        long body = ParamsBytes + quantBytes + 4L * n * Dimension + 4L * n + 4L * n * _stride0 + 4L * upperInts;
        using var w = new IndexFileWriter(path);
        VectorIndexFile.WriteHeader(w, Kind, Dimension, n, body);
        w.WriteInt32(_m);
        w.WriteInt32(_efConstruction);
        w.WriteInt32(_defaultEf);
        w.WriteInt32(_maxLevel);
        w.WriteInt32(_entryPoint);
        w.WriteUInt64(_seed);
        w.WriteUInt64(_rngState);
        w.WriteInt32((int)_quantization);
        if (quantizer is not null)
        {
            w.WriteFloats(quantizer.Low);
            w.WriteFloats(quantizer.Scale);
        }
        w.WriteFloats(_store.Filled);
        w.WriteInts(_levels.AsSpan(0, n));
        w.WriteInts(_links0.AsSpan(0, n * _stride0));
        for (int i = 0; i < n; i++)
            if (_levels[i] > 0) w.WriteInts(_upper[i]);
        if (quantizer is not null) w.WriteBytes(quantizer.Codes.AsSpan(0, n * quantizer.Stride));
        w.Commit();
    }

    public static HnswIndex Load(string path) => VectorIndexFile.Load(path) as HnswIndex
        ?? throw new InvalidInputException($"{path}: the file holds a {VectorIndexFile.PeekKind(path)} index, not an HNSW one.");

    internal static HnswIndex ReadBody(IndexFileReader r, VectorIndexFile.Header h, bool memoryMap = false)
    {
        int m = r.ReadInt32(), efc = r.ReadInt32(), ef = r.ReadInt32(), maxLevel = r.ReadInt32(), entry = r.ReadInt32();
        ulong seed = r.ReadUInt64(), state = r.ReadUInt64();
        if (m < 2 || m > 256 || efc < 1 || ef < 1)
            throw r.Error($"corrupt HNSW parameters (M {m}, efConstruction {efc}, ef {ef}).");
        bool empty = h.Count == 0;
        if (empty ? (entry != -1 || maxLevel != -1) : (entry < 0 || entry >= h.Count || maxLevel < 0 || maxLevel > MaxLevelCap))
            throw r.Error($"corrupt HNSW header (entry point {entry}, max level {maxLevel}, count {h.Count}).");
        int n = h.Count, stride0 = 2 * m + 1;
        var quantization = VectorQuantization.None;
        float[]? low = null, scale = null;
        long quantBytes = 0;
        if (h.Version >= 2)
        {
            int code = r.ReadInt32();
            if (code is not ((int)VectorQuantization.None or (int)VectorQuantization.Int8))
                throw r.Error($"unknown HNSW quantization code {code} (expected 0 = none or 1 = int8).");
            quantization = (VectorQuantization)code;
            quantBytes = sizeof(int);
            if (quantization == VectorQuantization.Int8)
            {
                quantBytes += 8L * h.Dimension + (long)n * ScalarQuantizer.StrideOf(h.Dimension);
                if (ParamsBytes + quantBytes > h.BodyBytes) throw r.Error("corrupt header: the body is too short for the int8 codes.");
                low = new float[h.Dimension];
                scale = new float[h.Dimension];
                r.ReadFloats(low);
                r.ReadFloats(scale);
                foreach (float x in scale)
                    if (!float.IsFinite(x) || x < 0) throw r.Error($"corrupt int8 quantiser (scale {x}).");
            }
        }
        long fixedBytes = ParamsBytes + quantBytes + 4L * n * h.Dimension + 4L * n + 4L * n * stride0;
        if (fixedBytes > h.BodyBytes)
            throw r.Error($"corrupt header: an HNSW index of {n} × {h.Dimension} with M {m} needs at least {fixedBytes} body bytes, the header says {h.BodyBytes}.");

        var store = VectorIndexFile.ReadVectors(r, h.Dimension, n, memoryMap, Math.Max(1, n));
        var loaded = new HnswIndex(new HnswOptions { M = m, EfConstruction = efc, DefaultEf = ef, Seed = seed, Quantization = quantization }, store, Math.Max(1, n));
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
        if (low is not null && scale is not null)
        {
            var quantizer = new ScalarQuantizer(low, scale, Math.Max(1, n));
            r.ReadBytes(quantizer.Codes.AsSpan(0, n * quantizer.Stride));
            quantizer.SetFilledCount(n);
            loaded._quantizer = quantizer;
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

    /// <summary>How the walk scores a node against the query (a struct so the JIT specialises the walk per kind).</summary>
    private interface INodeScorer
    {
        float Score(int node);
        void Prefetch(int node);
    }

    /// <summary>Exact inner product with the float vector (pointers pinned by the caller).</summary>
    private readonly unsafe struct FloatScorer(float* data, float* query, int dim) : INodeScorer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Score(int node) => TensorPrimitives.Dot(new ReadOnlySpan<float>(query, dim), new ReadOnlySpan<float>(data + (nint)node * dim, dim));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(int node)
        {
            if (Sse.IsSupported) Sse.Prefetch0(data + (nint)node * dim);
        }
    }

    /// <summary>Approximate inner product from the node's 8-bit code (pointers pinned by the caller).</summary>
    private readonly unsafe struct Int8Scorer(byte* codes, short* weights, int stride, float factor, float offset) : INodeScorer
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Score(int node) => offset + factor * ScalarQuantizer.Dot(codes + (nint)node * stride, weights, stride);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Prefetch(int node)
        {
            if (!Sse.IsSupported) return;
            byte* p = codes + (nint)node * stride;
            Sse.Prefetch0(p);
            if (stride > 64) Sse.Prefetch0(p + 64);
        }
    }

    /// <summary>Per-search scratch: a visited set, the candidate / result heaps, a link buffer. Pooled, one per concurrent search.</summary>
    private sealed class SearchContext
    {
        public readonly VisitedSet Visited = new();
        public readonly ScoreHeap Candidates = new(256);
        public readonly ScoreHeap Results = new(256);
        public readonly ScoreHeap Rerank = new(16);
        public int[] RerankIds = new int[64];
        public int[] LinkBuffer = [];
        public short[] QueryWeights = [];
    }

    /// <summary>Per-thread scratch of insertion.</summary>
    private sealed class Inserter(int stride0)
    {
        public readonly SearchContext Context = new();
        public readonly List<VectorHit> Selected = new();
        public readonly int[] Links = new int[stride0];
    }
}
