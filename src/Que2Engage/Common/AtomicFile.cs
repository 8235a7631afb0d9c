namespace Que2Engage.Common;

/// <summary>
/// Write-to-temp-then-rename: the file is written under a unique temporary name in the same folder (so the rename
/// cannot cross file systems and concurrent writers never share a temp file), flushed, then renamed over the
/// target. The rename is the commit point, so readers and resumed runs never see a half-written file; on failure
/// the temp file is deleted and the previous file, if any, stays intact.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM) and flushes it to disk before the rename.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write(text);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>
    /// Lets <paramref name="writeTemp"/> write the whole file at the temporary path it is given (for writers that
    /// only take a path, such as TorchSharp's <c>save</c>), then renames it over <paramref name="path"/>. Creates
    /// the parent folder. I/O failures become a <see cref="Que2EngageException"/> naming the file.
    /// </summary>
    public static void Write(string path, Action<string> writeTemp)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(writeTemp);
        string full = Path.GetFullPath(path);
        string temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
                if (File.Exists(folder)) throw new InvalidInputException($"cannot write '{path}': '{folder}' is a file, not a folder");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            writeTemp(temp);
            File.Move(temp, full, overwrite: true);
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
        finally
        {
            TryDelete(temp);
        }
    }

    private static void TryDelete(string file)
    {
        try { if (File.Exists(file)) File.Delete(file); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
