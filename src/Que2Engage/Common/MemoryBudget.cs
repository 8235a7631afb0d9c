using System.Globalization;

namespace Que2Engage.Common;

/// <summary>
/// Up-front size checks: a run whose lower-bound memory estimate exceeds what the process may use (physical memory or
/// the container's limit, as the GC sees it) is refused with a one-line error before it allocates anything, instead
/// of growing until the kernel kills it or dying with OutOfMemoryException half-way.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Bytes this process may use: physical memory, or the cgroup limit when there is one.</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <param name="bytes">A lower bound of what the run needs (so a refusal is certain, not a guess).</param>
    /// <param name="what">What needs it, naming the setting: "ModelConfig.BatchSize 100000000".</param>
    /// <param name="advice">What to do instead: "use a smaller batch".</param>
    /// <param name="settings">The settings <paramref name="what"/> names (<see cref="Que2EngageException.Settings"/>).</param>
    public static void Require(double bytes, string what, string advice, params string[] settings)
    {
        long available = AvailableBytes;
        if (bytes > available)
            throw InvalidInputException.Setting($"{what} needs at least {Format(bytes)} of memory, more than the {Format(available)} available; {advice}", settings);
    }

    /// <summary>Fails unless one array of <paramref name="elements"/> elements can exist (.NET caps arrays at <see cref="Array.MaxLength"/>).</summary>
    public static void RequireArray(long elements, string what, string advice, params string[] settings)
    {
        if (elements > Array.MaxLength)
            throw InvalidInputException.Setting($"{what} needs {elements.ToString("N0", CultureInfo.InvariantCulture)} entries in one table, more than the {Array.MaxLength.ToString("N0", CultureInfo.InvariantCulture)} possible; {advice}", settings);
    }

    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1) { bytes /= 1024; u++; }
        return bytes.ToString(u == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
