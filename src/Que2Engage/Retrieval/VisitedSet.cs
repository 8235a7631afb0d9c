namespace Que2Engage.Retrieval;

/// <summary>
/// "Have I seen node i in this search?" in O(1) without clearing per search: each slot stores the epoch that last
/// marked it, and a new search just bumps the epoch (the array is cleared only when the 16-bit epoch wraps).
/// One per search context, pooled, so concurrent searches never share it.
/// </summary>
internal sealed class VisitedSet
{
    private ushort[] _tags = [];
    private ushort _epoch;

    /// <summary>Starts a new search over ids 0..<paramref name="count"/>-1.</summary>
    public void Reset(int count)
    {
        if (_tags.Length < count)
        {
            _tags = new ushort[Math.Max(count, _tags.Length * 2)];
            _epoch = 0;
        }
        if (++_epoch == 0)
        {
            Array.Clear(_tags);
            _epoch = 1;
        }
    }

    /// <summary>Marks <paramref name="id"/>; false when it was already marked in this search.</summary>
    public bool TryMark(int id)
    {
        ref ushort tag = ref _tags[id];
        if (tag == _epoch) return false;
        tag = _epoch;
        return true;
    }
}
