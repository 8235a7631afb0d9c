using System.Runtime.InteropServices;

namespace Que2Engage.Data;

/// <summary>
/// A stream on "&lt;path&gt;.tmp" that becomes "&lt;path&gt;" only on <see cref="Commit"/>, so readers never see a
/// half-written table. Creates the parent directory.
/// </summary>
internal sealed class AtomicOutputFile
{
    public string FinalPath { get; }
    public string TempPath { get; }
    public FileStream Stream { get; }

    public AtomicOutputFile(string path)
    {
        FinalPath = Path.GetFullPath(path);
        TempPath = FinalPath + ".tmp";
        try
        {
            var dir = Path.GetDirectoryName(FinalPath);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            Stream = new FileStream(TempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot create file: {e.Message}", e);
        }
    }

    /// <summary>
    /// True while an exception is propagating through the caller's frames (e.g. a <c>using</c> block that threw is
    /// disposing us). Lets <see cref="IDisposable.Dispose"/> refuse to publish a partial file without forcing every
    /// caller to call an explicit Complete().
    /// </summary>
    public static bool ExceptionInFlight() => Marshal.GetExceptionPointers() != IntPtr.Zero;

    public void Commit()
    {
        Stream.Flush(flushToDisk: false);
        Stream.Dispose();
        File.Move(TempPath, FinalPath, overwrite: true);
    }

    public void Abort()
    {
        Stream.Dispose();
        try { File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
