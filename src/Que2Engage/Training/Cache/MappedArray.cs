using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace Que2Engage.Training.Cache;

/// <summary>
/// A read-only array of <typeparamref name="T"/> stored as raw little-endian values in one file, memory-mapped: the
/// operating system pages it in on first touch and may drop clean pages under pressure, so a table far larger than
/// the process's memory is read in place. Indexes are 64-bit; a slice is at most int.MaxValue elements.
/// </summary>
public sealed unsafe class MappedArray<T> : IDisposable where T : unmanaged
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;

    public long Length { get; }
    public string Path { get; }

    public MappedArray(string path)
    {
        Path = path;
        long bytes = new FileInfo(path).Length;
        if (bytes % sizeof(T) != 0)
            throw new InvalidDataException($"{path}: {bytes} bytes is not a whole number of {sizeof(T)}-byte values");
        Length = bytes / sizeof(T);
        if (bytes == 0) return;   // an empty file cannot be mapped
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    public T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((ulong)index >= (ulong)Length) throw new IndexOutOfRangeException($"{Path}: index {index} of {Length}");
            return ((T*)_base)[index];
        }
    }

    public ReadOnlySpan<T> Slice(long start, int length)
    {
        if (start < 0 || length < 0 || start + length > Length)
            throw new IndexOutOfRangeException($"{Path}: slice [{start}, {start + length}) of {Length}");
        return length == 0 ? [] : new ReadOnlySpan<T>((T*)_base + start, length);
    }


    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
    }
}
