namespace Que2Engage.Common;

/// <summary>
/// Write-to-temp-then-rename, the one way this project publishes a file: the file is written under a unique temporary
/// name in the same folder ("&lt;name&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;", so the rename cannot cross file systems and concurrent
/// writers never share a temp file), flushed to disk (fsync), then renamed over the target. The rename is the commit
/// point, so readers and resumed runs never see a half-written file; on failure the temp file is deleted and the
/// previous file, if any, stays intact.
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix that starts every temporary file name: "&lt;final name&gt;.tmp-…".</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) and flushes it to disk before the rename.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var file = Create(path);
        using (var writer = new StreamWriter(file.Stream, leaveOpen: true)) writer.Write(text);
        file.Commit();
    }

    /// <summary>
    /// Lets <paramref name="writeTemp"/> write the whole file at the temporary path it is given (for writers that
    /// only take a path, such as TorchSharp's <c>save</c>), then renames it over <paramref name="path"/>. Creates
    /// the parent folder. I/O failures become a <see cref="Que2EngageException"/> naming the file.
    /// </summary>
    public static void Write(string path, Action<string> writeTemp)
    {
        ArgumentNullException.ThrowIfNull(writeTemp);
        string temp = TempPathFor(path, out string full);
        try
        {
            Guarded(path, () =>
            {
                writeTemp(temp);
                File.Move(temp, full, overwrite: true);
            });
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Opens a stream on a new temporary file for <paramref name="path"/> (creating the parent folder); nothing appears
    /// at <paramref name="path"/> until <see cref="Pending.Commit"/>. Disposing without committing deletes the temp file.
    /// </summary>
    public static Pending Create(string path)
    {
        string temp = TempPathFor(path, out string full);
        FileStream? stream = null;
        Guarded(path, () => stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16));
        return new Pending(path, full, temp, stream!);
    }

    /// <summary>A file being written by <see cref="Create"/>.</summary>
    public sealed class Pending : IDisposable
    {
        readonly string _path, _full;
        bool _done;

        internal Pending(string path, string full, string temp, FileStream stream)
        {
            _path = path; _full = full; TempPath = temp; Stream = stream;
        }

        public FileStream Stream { get; }
        public string TempPath { get; }

        /// <summary>Flushes the stream to disk and renames the temp file over the target.</summary>
        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_done, this);
            _done = true;
            try
            {
                Guarded(_path, () =>
                {
                    Stream.Flush(flushToDisk: true);
                    Stream.Dispose();
                    File.Move(TempPath, _full, overwrite: true);
                });
            }
            catch
            {
                Stream.Dispose();
                TryDelete(TempPath);
                throw;
            }
        }

        /// <summary>Discards the file unless it was committed.</summary>
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            Stream.Dispose();
            TryDelete(TempPath);
        }
    }

    static string TempPathFor(string path, out string full)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        full = Path.GetFullPath(path);
        for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
            if (File.Exists(folder)) throw new InvalidInputException($"cannot write '{path}': '{folder}' is a file, not a folder");
        string folderOfFull = Path.GetDirectoryName(full)!;
        Guarded(path, () => Directory.CreateDirectory(folderOfFull));
        return $"{full}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";
    }

    /// <summary>Runs an I/O step, turning failures into exceptions that name the file.</summary>
    static void Guarded(string path, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException)
        {
            // A folder the user may not write to is a mistake in the command (exit 2), not a runtime failure.
            throw new InvalidInputException($"cannot write '{path}': {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new Que2EngageException($"cannot write '{path}': {e.Message}", inner: e);
        }
    }

    private static void TryDelete(string file)
    {
        try { if (File.Exists(file)) File.Delete(file); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
