using Parquet;
using Parquet.Schema;

namespace Que2Engage.Data;

/// <summary>
/// Buffers rows and flushes them as one Parquet row group every <see cref="RowGroupRows"/> rows (or earlier when
/// the subclass says the buffer is heavy), so memory stays bounded for any table size. The file carries no
/// timestamps, so the same rows give the same bytes.
/// </summary>
internal abstract class ParquetTableWriter<T> : TableWriterBase<T>
{
    public const int RowGroupRows = 50_000;

    readonly ParquetWriter _writer;
    readonly List<ParquetChecksums.Range> _groups = new();
    protected readonly List<T> Buffer = new();

    protected ParquetTableWriter(string path, Func<T, RowProblem?> check, ParquetSchema schema) : base(path, check)
    {
        try
        {
            _writer = ParquetWriter.CreateAsync(schema, Output.Stream, new ParquetOptions(), append: false).GetAwaiter().GetResult();
        }
        catch
        {
            Output.Abort();
            throw;
        }
    }

    /// <summary>Extra flush trigger for wide rows (e.g. many image vectors).</summary>
    protected virtual bool BufferIsHeavy => false;

    protected override void Append(T row)
    {
        Buffer.Add(row);
        if (Buffer.Count >= RowGroupRows || BufferIsHeavy) FlushRowGroup();
    }

    void FlushRowGroup()
    {
        if (Buffer.Count == 0) return;
        var stream = Output.Stream;
        long start = stream.Position;
        using (var rg = _writer.CreateRowGroup())
        {
            WriteColumnsAsync(rg, Buffer).GetAwaiter().GetResult();
            rg.CompleteValidate();
        }
        // The row group's bytes are [start, end): hash them back from the file (see ParquetChecksums) and carry on.
        long end = stream.Position;
        _groups.Add(new(start, end - start, ParquetChecksums.Hash(stream, start, end - start)));
        stream.Seek(end, SeekOrigin.Begin);
        Buffer.Clear();
        OnFlushed();
    }

    protected virtual void OnFlushed() { }

    /// <summary>Writes every schema column, in schema order, for the buffered rows.</summary>
    protected abstract Task WriteColumnsAsync(ParquetRowGroupWriter rg, List<T> rows);

    protected override void Finish()
    {
        FlushRowGroup();
        _writer.CustomMetadata = new Dictionary<string, string> { [ParquetChecksums.MetadataKey] = ParquetChecksums.Format(_groups) };
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    protected override void Release()
    {
        Buffer.Clear();
        // Disposing the Parquet writer writes a footer; harmless because the temp file is deleted next.
        try { _writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); } catch { }
    }

    protected static string?[] Strings(List<T> rows, Func<T, string?> get)
    {
        var a = new string?[rows.Count];
        for (int i = 0; i < a.Length; i++) a[i] = get(rows[i]);
        return a;
    }

    protected static TV[] Values<TV>(List<T> rows, Func<T, TV> get)
    {
        var a = new TV[rows.Count];
        for (int i = 0; i < a.Length; i++) a[i] = get(rows[i]);
        return a;
    }
}
