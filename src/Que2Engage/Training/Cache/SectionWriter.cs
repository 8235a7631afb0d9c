using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Que2Engage.Training.Cache;

/// <summary>
/// Appends raw little-endian <typeparamref name="T"/> values to one section file of a training cache and hashes them
/// as they go (XXH3-128), so a section is written once, sequentially, with memory independent of its length.
/// </summary>
internal sealed class SectionWriter<T> : ISectionWriter where T : unmanaged
{
    private readonly FileStream _stream;
    private readonly XxHash128 _hash = new();

    public string Name { get; }
    public long Count { get; private set; }

    public SectionWriter(string dir, string name)
    {
        Name = name;
        _stream = new FileStream(Path.Combine(dir, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    // Single values (one per impression row) gather here and go to the stream and the hash in blocks: a 16-byte
    // FileStream.Write and XxHash128.Append per row cost more than the row's other work. The hash is the same.
    private readonly T[] _pending = new T[Math.Max(1, (1 << 16) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>())];
    private int _pendingCount;

    public void Write(T value)
    {
        _pending[_pendingCount++] = value;
        Count++;
        if (_pendingCount == _pending.Length) FlushPending();
    }

    public void Write(ReadOnlySpan<T> values)
    {
        if (_pendingCount > 0) FlushPending();
        Append(values);
        Count += values.Length;
    }

    private void FlushPending()
    {
        Append(_pending.AsSpan(0, _pendingCount));
        _pendingCount = 0;
    }

    private void Append(ReadOnlySpan<T> values)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        _stream.Write(bytes);
        _hash.Append(bytes);
    }

    /// <summary>Flushes to disk and returns the section's entry for the header.</summary>
    public CacheSection Close()
    {
        FlushPending();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        return new CacheSection(Name, Count, Common.FileChecksum.Prefix + Convert.ToHexStringLower(_hash.GetCurrentHash()));
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>A section being written, whatever its value type.</summary>
internal interface ISectionWriter : IDisposable
{
    CacheSection Close();
}

/// <summary>A section file of a training cache: its name, its number of values and the XXH3-128 of its bytes.</summary>
public sealed record CacheSection(string Name, long Count, string Checksum);
