using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Que2Engage.Retrieval;

/// <summary>
/// Contiguous row-major float storage for the vectors of an index (one growable array, no per-vector objects),
/// so a row is a span into one block and scanning the catalog walks memory sequentially. A loaded index may instead
/// keep its rows in a read-only memory map of the index file (<see cref="MappedRows"/>): they are paged in by the
/// kernel on use and shared with the page cache instead of being copied into the managed heap. The first
/// <see cref="Add"/> to a mapped store copies the rows into an array (a served index that takes writes pays the
/// copy then).
/// </summary>
internal sealed class VectorStore
{
    private float[] _data;
    private MappedRows? _mapped;

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

    /// <summary>Serves <paramref name="count"/> rows from a memory map (used by the loader).</summary>
    public VectorStore(int dimension, MappedRows mapped, int count)
    {
        Dimension = dimension;
        _data = [];
        _mapped = mapped;
        Count = count;
    }

    public int Dimension { get; }
    public int Count { get; private set; }

    /// <summary>True while the rows are served from the index file's memory map.</summary>
    public bool IsMapped => _mapped is not null;

    /// <summary>The raw block (managed storage only); rows 0..Count-1 are valid.</summary>
    public float[] Data => _mapped is null ? _data : throw new InvalidOperationException("the vectors are memory-mapped");

    /// <summary>A reference to row 0 of whichever storage is in use (pin it with <c>fixed</c> for pointer access).</summary>
    public unsafe ref float First => ref _mapped is null ? ref MemoryMarshal.GetArrayDataReference(_data) : ref Unsafe.AsRef<float>(_mapped.Pointer);

    public int Add(ReadOnlySpan<float> vector)
    {
        VectorIndexExtensions.CheckDimension(Dimension, vector.Length, "The vector");
        if (_mapped is not null) Unmap();
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

    /// <summary>Copies the mapped rows into a managed array (with room to grow) and stops using the map.</summary>
    private void Unmap()
    {
        var data = new float[Math.Max((long)(Count + 1) * Dimension, (long)Count * Dimension * 5 / 4 + Dimension)];
        Filled.CopyTo(data);
        _data = data;
        _mapped = null; // the map is released by its finaliser once no search uses it any more
    }

    /// <summary>Declares rows 0..count-1 of <see cref="Data"/> filled (after a bulk read into it).</summary>
    public void SetFilledCount(int count)
    {
        if (count < 0 || (long)count * Dimension > _data.Length) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> Row(int id) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref First, (nint)id * Dimension), Dimension);

    public ReadOnlySpan<float> RowChecked(int id)
    {
        if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is not in 0..{Count - 1}");
        return Row(id);
    }

    /// <summary>The filled part as one span (for saving).</summary>
    public ReadOnlySpan<float> Filled => MemoryMarshal.CreateReadOnlySpan(ref First, Count * Dimension);

    /// <summary>Bytes of vectors held in the managed heap (0 while mapped).</summary>
    public long HeapBytes => (long)_data.Length * sizeof(float);
}

/// <summary>
/// A read-only memory map of a float block inside an index file. The pointer stays valid while this object is
/// reachable; the finaliser unmaps it (an index that stops using the map drops its reference instead of unmapping,
/// because searches may still be walking it). On Linux a file renamed over or deleted stays mapped until then.
/// </summary>
internal sealed unsafe class MappedRows
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private int _released;

    public MappedRows(string path, long offset, long bytes)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(offset, Math.Max(1, bytes), MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Pointer = (float*)(p + _view.PointerOffset);
    }

    public float* Pointer { get; }

    ~MappedRows()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
