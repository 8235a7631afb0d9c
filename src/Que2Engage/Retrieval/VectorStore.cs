using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Que2Engage.Retrieval;

/// <summary>
/// Contiguous row-major float storage for the vectors of an index (one growable array, no per-vector objects),
/// so a row is a span into one block and scanning the catalog walks memory sequentially.
/// </summary>
internal sealed class VectorStore
{
    private float[] _data;

    public VectorStore(int dimension, int capacity = 1024)
    {
        if (dimension < 1) throw new InvalidInputException($"The vector dimension must be at least 1 (got {dimension}).");
        Dimension = dimension;
        _data = new float[(long)Math.Max(1, capacity) * dimension];
    }

    /// <summary>Wraps already-filled storage (used by the loader).</summary>
    public VectorStore(int dimension, float[] data, int count)
    {
        Dimension = dimension;
        _data = data;
        Count = count;
    }

    public int Dimension { get; }
    public int Count { get; private set; }

    /// <summary>The raw block; rows 0..Count-1 are valid.</summary>
    public float[] Data => _data;

    public int Add(ReadOnlySpan<float> vector)
    {
        VectorIndexExtensions.CheckDimension(Dimension, vector.Length, "The vector");
        long needed = (long)(Count + 1) * Dimension;
        if (needed > _data.Length)
        {
            long grown = Math.Max(needed, (long)_data.Length * 2);
            if (grown > Array.MaxLength) grown = Math.Max(needed, Array.MaxLength / Dimension * Dimension);
            if (needed > Array.MaxLength) throw new Que2EngageException("The vector index is full (more floats than one array can hold).");
            Array.Resize(ref _data, (int)grown);
        }
        vector.CopyTo(_data.AsSpan(Count * Dimension, Dimension));
        return Count++;
    }

    /// <summary>Declares rows 0..count-1 of <see cref="Data"/> filled (after a bulk read into it).</summary>
    public void SetFilledCount(int count)
    {
        if (count < 0 || (long)count * Dimension > _data.Length) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Row(int id) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_data), (nint)id * Dimension), Dimension);

    public ReadOnlySpan<float> RowChecked(int id)
    {
        if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is not in 0..{Count - 1}");
        return Row(id);
    }

    /// <summary>The filled part as one span (for saving).</summary>
    public ReadOnlySpan<float> Filled => _data.AsSpan(0, Count * Dimension);
}
