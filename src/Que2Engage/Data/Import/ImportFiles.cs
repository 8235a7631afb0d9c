using Que2Engage.Common;

namespace Que2Engage.Data.Import;

internal static class ImportFiles
{
    /// <summary>Writes import.json atomically (temp file + rename) beside the imported tables.</summary>
    public static void WriteReport(string outDir, ImportReport report)
    {
        AtomicFile.WriteAllText(Path.Combine(outDir, ImportReport.FileName), report.ToJson());
    }
}
