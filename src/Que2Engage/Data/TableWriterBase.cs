namespace Que2Engage.Data;

/// <summary>
/// Shared life cycle of the table writers: validate each row with <see cref="RowRules"/>, count rows, publish the
/// file atomically on a clean Dispose and delete the temporary file otherwise.
/// </summary>
internal abstract class TableWriterBase<T> : ITableWriter<T>
{
    readonly Func<T, RowProblem?> _check;
    bool _faulted, _disposed;

    protected AtomicOutputFile Output { get; }
    protected string DisplayPath { get; }
    public long RowsWritten { get; private set; }

    protected TableWriterBase(string path, Func<T, RowProblem?> check)
    {
        DisplayPath = path;
        _check = check;
        Output = new AtomicOutputFile(path);
    }

    public void Write(T row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted) throw new Que2EngageException($"{DisplayPath}: an earlier write failed; the file will not be written");
        try
        {
            ArgumentNullException.ThrowIfNull(row);
            if (_check(row) is { } p)
                throw new InvalidInputException(DataFormatException.Format(DisplayPath, RowsWritten + 1, p.Field, p.Message));
            Append(row);
            RowsWritten++;
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    protected abstract void Append(T row);

    /// <summary>Writes everything still buffered and the file footer.</summary>
    protected abstract void Finish();

    /// <summary>Releases format resources without finishing the file.</summary>
    protected abstract void Release();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_faulted || AtomicOutputFile.ExceptionInFlight())
        {
            try { Release(); } catch { /* the file is being discarded anyway */ }
            Output.Abort();
            return;
        }
        try
        {
            Finish();
            Output.Commit();
        }
        catch (Exception e)
        {
            try { Release(); } catch { }
            Output.Abort();
            if (e is Que2EngageException) throw;
            throw new Que2EngageException($"{DisplayPath}: writing failed: {e.Message}", inner: e);
        }
    }
}
