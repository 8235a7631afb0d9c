namespace Que2Engage.Data.Import;

internal static class ImportFiles
{
    /// <summary>Writes import.json atomically (temp file + rename) beside the imported tables.</summary>
    public static void WriteReport(string outDir, ImportReport report)
    {
        var path = Path.Combine(outDir, ImportReport.FileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, report.ToJson());
        File.Move(tmp, path, overwrite: true);
    }
}
