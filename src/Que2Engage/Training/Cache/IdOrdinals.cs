using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Que2Engage.Training.Cache;

/// <summary>
/// Ordinals of ids (product ids, query texts), looked up once per row of a log of tens of millions.
/// Written by hand because Dictionary&lt;string,int&gt; is the bottleneck there: a lookup touches its bucket array,
/// its entry array and the stored key string, three cache misses over a million-entry table. Measured on the
/// 30.5M-impression world (1M products): replacing the product lookup by parsing the id cut the impression pass
/// from 46.5 s to 28.2 s. Here a lookup reads one 16-byte slot: 96 bits of the key's XXH3-128 and the ordinal, in
/// an open-addressed table (linear probing, at most half full). Keys are not compared: two different ids match only
/// if their 96-bit hashes are equal (about 10⁻²³ for an unknown id against a million), and two stored ids whose
/// hashes collide are detected when added and kept exactly in an overflow dictionary.
/// </summary>
public sealed class IdOrdinals
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public ulong Low;
        public uint High;
        /// <summary>Value + 1; 0 marks an empty slot, <see cref="Removed"/> a removed id, <see cref="Ambiguous"/> a hash shared by several ids.</summary>
        public int Value;
    }

    private const int Removed = -1, Ambiguous = -2;
    private Slot[] _slots = new Slot[1024];
    private string[] _slotKeys = new string[1024];   // read only when adding, to tell a repeated id from a collision
    private Dictionary<string, int>? _overflow;

    /// <summary>Number of ids added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="key"/> with <paramref name="value"/> (0 or more) unless it is present (a removed key stays removed).</summary>
    public bool TryAdd(string key, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var (low, high) = Hash(key);
        int i = Find(low, high);
        ref Slot slot = ref _slots[i];
        if (slot.Value == 0)
        {
            slot = new Slot { Low = low, High = high, Value = value + 1 };
            _slotKeys[i] = key;
            if (++Count * 2 > _slots.Length) Grow();
            return true;
        }
        if (string.Equals(_slotKeys[i], key, StringComparison.Ordinal) && slot.Value != Ambiguous) return false;
        // Another id with the same 96-bit hash (or several already): those ids are resolved exactly from here on.
        _overflow ??= new Dictionary<string, int>(StringComparer.Ordinal);
        if (slot.Value > 0) _overflow[_slotKeys[i]] = slot.Value - 1;
        slot.Value = Ambiguous;
        if (!_overflow.TryAdd(key, value)) return false;
        Count++;
        return true;
    }

    public bool TryGetValue(string key, out int value)
    {
        var (low, high) = Hash(key);
        int stored = _slots[Find(low, high)].Value;
        if (stored > 0) { value = stored - 1; return true; }
        if (stored == Ambiguous && _overflow!.TryGetValue(key, out value)) return true;
        value = -1;
        return false;
    }

    /// <summary>Makes <paramref name="key"/> unknown to <see cref="TryGetValue"/> if it has <paramref name="value"/>.</summary>
    public void Remove(string key, int value)
    {
        var (low, high) = Hash(key);
        ref Slot slot = ref _slots[Find(low, high)];
        if (slot.Value == value + 1) slot.Value = Removed;
        else if (slot.Value == Ambiguous && _overflow!.TryGetValue(key, out int v) && v == value) _overflow.Remove(key);
    }

    private int Find(ulong low, uint high)
    {
        int mask = _slots.Length - 1;
        int i = (int)low & mask;
        while (true)
        {
            ref Slot s = ref _slots[i];
            if (s.Value == 0 || (s.Low == low && s.High == high)) return i;
            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var (old, oldKeys) = (_slots, _slotKeys);
        _slots = new Slot[old.Length * 2];
        _slotKeys = new string[old.Length * 2];
        for (int j = 0; j < old.Length; j++)
        {
            if (old[j].Value == 0) continue;
            int i = Find(old[j].Low, old[j].High);
            _slots[i] = old[j];
            _slotKeys[i] = oldKeys[j];
        }
    }

    private static (ulong Low, uint High) Hash(string key)
    {
        UInt128 h = XxHash128.HashToUInt128(MemoryMarshal.AsBytes(key.AsSpan()));
        return ((ulong)h, (uint)(h >> 64));
    }
}
