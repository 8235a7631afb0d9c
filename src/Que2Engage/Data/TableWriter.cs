using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;
using Que2Engage.Common;

namespace Que2Engage.Data;

/// <summary>
/// The one table writer: validates each row with <see cref="RowRules"/>, streams it to JSONL (System.Text.Json) or
/// buffers it into Parquet row groups (ParquetSerializer, columns named by the record's attributes), and publishes
/// the file atomically on a clean Dispose; after a failed write, or while an exception unwinds, the temporary file is
/// deleted instead. Parquet files carry no timestamps, so the same rows give the same bytes.
/// </summary>
internal sealed class TableWriter<T> : ITableWriter<T> where T : class
{
    /// <summary>Rows per Parquet row group (memory stays bounded for any table size).</summary>
    public const int RowGroupRows = 50_000;

    /// <summary>Flush a row group early once this many floats (image vectors) are buffered (~64 MB), whatever the row count.</summary>
    const long MaxBufferedFloats = 16_000_000;

    static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keep non-ASCII text (titles in any language) readable instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    readonly string _path;
    readonly Func<T, DataProblem?> _check;
    readonly AtomicFile.Pending _output;
    readonly Utf8JsonWriter? _json;          // JSONL
    readonly BufferedStream? _jsonBuffer;
    readonly List<T>? _rows;                 // Parquet: the row group being buffered
    readonly List<ParquetChecksums.Range> _groups = [];
    long _bufferedFloats;
    bool _faulted, _disposed;

    public long RowsWritten { get; private set; }

    public TableWriter(string path, Func<T, DataProblem?> check)
    {
        var format = DataWriters.FormatOf(path);
        _path = path;
        _check = check;
        _output = AtomicFile.Create(path);
        if (format == TableFormat.Parquet) _rows = [];
        else
        {
            _jsonBuffer = new BufferedStream(_output.Stream, 1 << 16);
            _json = new Utf8JsonWriter(_jsonBuffer, JsonOptions);
        }
    }

    public void Write(T row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted) throw new Que2EngageException($"{_path}: an earlier write failed; the file will not be written");
        try
        {
            ArgumentNullException.ThrowIfNull(row);
            if (_check(row) is { } p)
                throw new InvalidInputException(DataFormatException.Format(_path, RowsWritten + 1, p.Field, p.Message));
            if (_rows is null) WriteJsonLine(row);
            else
            {
                _rows.Add(row);
                if (row is Product product) foreach (var v in product.ImageEmbeddings) _bufferedFloats += v.Length;
                if (_rows.Count >= RowGroupRows || _bufferedFloats >= MaxBufferedFloats) FlushRowGroup();
            }
            RowsWritten++;
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    void WriteJsonLine(T row)
    {
        JsonSerializer.Serialize(_json!, row);
        _json!.Flush();
        _json.Reset();
        _jsonBuffer!.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Appends the buffered rows as one row group and records its byte range and hash (see <see cref="ParquetChecksums"/>):
    /// the serializer writes a new row group where the previous footer began, then a new footer.
    /// </summary>
    void FlushRowGroup()
    {
        if (_rows!.Count == 0) return;
        var stream = _output.Stream;
        long start = _groups.Count == 0 ? 4 : DataEnd(stream);   // 4: after the leading "PAR1"
        stream.Seek(0, SeekOrigin.End);
        ParquetSerializer.SerializeAsync(_rows, stream, new ParquetOptions { Append = _groups.Count > 0 }).GetAwaiter().GetResult();
        long end = DataEnd(stream);
        _groups.Add(new(start, end - start, ParquetChecksums.Hash(stream, start, end - start)));
        _rows.Clear();
        _bufferedFloats = 0;
    }

    /// <summary>Where the footer of a complete Parquet file starts: before [footer][4-byte footer length]["PAR1"].</summary>
    static long DataEnd(Stream stream)
    {
        Span<byte> len = stackalloc byte[4];
        stream.Seek(-8, SeekOrigin.End);
        stream.ReadExactly(len);
        return stream.Length - 8 - BinaryPrimitives.ReadInt32LittleEndian(len);
    }

    /// <summary>Writes the last row group, then the footer with the row-group checksums.</summary>
    void Finish()
    {
        if (_rows is null)
        {
            _json!.Flush();
            _jsonBuffer!.Flush();
            _json.Dispose();
            return;
        }
        FlushRowGroup();
        var stream = _output.Stream;
        stream.Seek(0, SeekOrigin.Begin);
        // The serializer cannot take metadata computed from its own output, so the footer is rewritten once more
        // (append mode without a new row group) to carry the checksums; a table with no rows gets its schema here.
        var schema = typeof(T).GetParquetSchema(false);
        var writer = ParquetWriter.CreateAsync(schema, stream, new ParquetOptions(), append: _groups.Count > 0).GetAwaiter().GetResult();
        writer.CustomMetadata = new Dictionary<string, string> { [ParquetChecksums.MetadataKey] = ParquetChecksums.Format(_groups) };
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// True while an exception is propagating through the caller's frames (e.g. a <c>using</c> block that threw is
    /// disposing us). Lets Dispose refuse to publish a partial file without forcing every caller to call an explicit
    /// Complete().
    /// </summary>
    static bool ExceptionInFlight() => Marshal.GetExceptionPointers() != IntPtr.Zero;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_faulted || ExceptionInFlight())
        {
            _json?.Dispose();
            _output.Dispose();
            return;
        }
        try
        {
            Finish();
            _output.Commit();
        }
        catch (Exception e)
        {
            try { _json?.Dispose(); } catch { /* the file is being discarded anyway */ }
            _output.Dispose();
            if (e is Que2EngageException) throw;
            throw new Que2EngageException($"{_path}: writing failed: {e.Message}", inner: e);
        }
    }
}
