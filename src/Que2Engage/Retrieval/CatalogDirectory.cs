using Que2Engage.Common;

namespace Que2Engage.Retrieval;

/// <summary>
/// Guards a catalog index directory on disk: the one-writer lock file beside it, the recovery of a generation swap a
/// crash interrupted and the removal of staging siblings a compaction left behind.
/// </summary>
internal static class CatalogDirectory
{
    private static string WriterLockPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.writer.lock");

    /// <summary>One writer per index (a server, or an offline upsert/delete): an exclusive lock file beside it, released by the OS if the process dies.</summary>
    public static FileStream AcquireWriterLock(string target)
    {
        if (!Directory.Exists(target) && !Directory.Exists(Path.GetDirectoryName(target)))
            throw new InvalidInputException($"{target}: the index directory does not exist.");
        try
        {
            return new FileStream(WriterLockPath(target), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidInputException($"{target}: another process (a server, or an offline upsert or delete) is writing this index: {e.Message}", e);
        }
    }

    /// <summary>
    /// A crash between the two renames of <see cref="StagingDirectory.Publish"/> leaves no index at <paramref name="target"/>: put back
    /// the new generation if it was complete (it has its manifest), else the old one.
    /// </summary>
    public static void RecoverInterruptedSwap(string target)
    {
        if (Directory.Exists(target)) return;
        var parent = Path.GetDirectoryName(target);
        if (parent is null || !Directory.Exists(parent)) return;
        var name = Path.GetFileName(target);
        string? Newest(string what) => Directory.EnumerateDirectories(parent, $".{name}.{what}-*")
            .Where(d => File.Exists(Path.Combine(d, IndexManifest.FileName)))
            .OrderByDescending(Directory.GetLastWriteTimeUtc).FirstOrDefault();
        var restore = Newest("checkpoint") ?? Newest("appending") ?? Newest("building") ?? Newest("old");
        if (restore is not null) Directory.Move(restore, target);
    }

    /// <summary>Removes the checkpoint and old-generation siblings of <paramref name="target"/> (a writer opening it runs no compaction yet).</summary>
    public static void DeleteStaleCheckpoints(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        foreach (var d in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.checkpoint-*")) StagingDirectory.TryDelete(d);
        foreach (var d in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.old-*")) StagingDirectory.TryDelete(d);
    }
}
