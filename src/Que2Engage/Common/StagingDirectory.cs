using System.Diagnostics;
using System.Globalization;

namespace Que2Engage.Common;

/// <summary>
/// Build-then-rename for whole directories (an index, a generated data directory): the output is written into a
/// hidden sibling ".NAME.WHAT-PID-GUID" and renamed into place only when complete, so a crash or kill leaves either
/// the previous directory or none, never a partial one. A sibling left by a killed process (its PID no longer runs)
/// is removed by the next <see cref="Create"/> for the same target.
/// </summary>
public static class StagingDirectory
{
    /// <summary>Creates an empty staging sibling of <paramref name="target"/>, after removing stale ones of dead processes.</summary>
    public static string Create(string target, string what)
    {
        target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(target) ?? ".";
        try
        {
            Directory.CreateDirectory(parent);
            RemoveStale(target);
            var temp = Path.Combine(parent, $".{Path.GetFileName(target)}.{what}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(temp);
            return temp;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{target}: cannot create the output directory: {e.Message}", e);
        }
    }

    /// <summary>
    /// The whole pattern: a new staging sibling of <paramref name="target"/> filled by <paramref name="fill"/> (given its
    /// path), then published in place of <paramref name="target"/>; removed instead if <paramref name="fill"/> throws.
    /// </summary>
    public static T Build<T>(string target, string what, Func<string, T> fill)
    {
        T result = default!;
        Fill(target, what, staging =>
        {
            result = fill(staging);
            Publish(staging, target);
        });
        return result;
    }

    /// <summary>
    /// A staging sibling filled by <paramref name="fill"/> and left unpublished (the caller swaps it in later); removed
    /// if <paramref name="fill"/> throws. Returns its path.
    /// </summary>
    public static string Fill(string target, string what, Action<string> fill)
    {
        string staging = Create(target, what);
        try
        {
            fill(staging);
            return staging;
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>
    /// Renames the finished folder into place. Directory renames cannot overwrite, so an existing target is first moved
    /// aside and deleted after; a crash in between leaves the old directory in a ".old-" sibling, never a partial one.
    /// </summary>
    public static void Publish(string temp, string target)
    {
        target = Path.GetFullPath(target);
        if (Directory.Exists(target))
        {
            var old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.old-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.Move(target, old);
            Directory.Move(temp, target);
            TryDelete(old);
        }
        else
        {
            Directory.Move(temp, target);
        }
    }

    public static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Deletes ".NAME.*-PID-GUID" siblings of <paramref name="target"/> whose process is gone.</summary>
    public static int RemoveStale(string target)
    {
        target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(target);
        if (parent is null || !Directory.Exists(parent)) return 0;
        int removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.*-*-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            // A ".old-" folder is the previous directory moved aside by Publish; if the process died before the new
            // one was renamed in, it is the only copy left: keep it for the user to restore.
            bool movedAside = Path.GetFileName(dir).StartsWith($".{Path.GetFileName(target)}.old-", StringComparison.Ordinal);
            if (movedAside && !Directory.Exists(target)) continue;
            TryDelete(dir);
            if (!Directory.Exists(dir)) removed++;
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
