namespace Que2Engage.Retrieval;

/// <summary>
/// A binary min-heap of (key, id) pairs over two flat arrays, reused across searches to avoid allocation.
/// Ties on the key are broken by id (the larger id counts as smaller) so every result order is deterministic.
/// Used as a bounded "keep the best k" collector (top = the worst kept) and, with negated keys, as a
/// best-first candidate queue.
/// </summary>
internal sealed class ScoreHeap
{
    private float[] _keys;
    private int[] _ids;

    public ScoreHeap(int capacity = 16)
    {
        capacity = Math.Max(1, capacity);
        _keys = new float[capacity];
        _ids = new int[capacity];
    }

    public int Count { get; private set; }
    public float TopKey => _keys[0];
    public int TopId => _ids[0];

    public void Clear() => Count = 0;

    private static bool Less(float ka, int ia, float kb, int ib) => ka < kb || (ka == kb && ia > ib);

    public void Push(float key, int id)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _ids, _ids.Length * 2);
        }
        int i = Count++;
        var keys = _keys; var ids = _ids;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(key, id, keys[parent], ids[parent])) break;
            keys[i] = keys[parent]; ids[i] = ids[parent];
            i = parent;
        }
        keys[i] = key; ids[i] = id;
    }

    public void Pop()
    {
        int n = --Count;
        if (n > 0) SiftDown(_keys[n], _ids[n]);
    }

    /// <summary>Replaces the top with (key, id) and restores the heap: a pop+push in one sift.</summary>
    public void ReplaceTop(float key, int id) => SiftDown(key, id);

    /// <summary>Keeps the best <paramref name="capacity"/> pairs: pushes while not full, else replaces the worst if better.</summary>
    public void Offer(float key, int id, int capacity)
    {
        if (Count < capacity) Push(key, id);
        else if (Less(_keys[0], _ids[0], key, id)) ReplaceTop(key, id);
    }

    private void SiftDown(float key, int id)
    {
        var keys = _keys; var ids = _ids;
        int n = Count, i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && Less(keys[child + 1], ids[child + 1], keys[child], ids[child])) child++;
            if (!Less(keys[child], ids[child], key, id)) break;
            keys[i] = keys[child]; ids[i] = ids[child];
            i = child;
        }
        keys[i] = key; ids[i] = id;
    }

    /// <summary>Empties the heap into hits ordered by descending key (best first).</summary>
    public VectorHit[] DrainDescending()
    {
        var result = new VectorHit[Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            result[i] = new VectorHit(_ids[0], _keys[0]);
            Pop();
        }
        return result;
    }
}
