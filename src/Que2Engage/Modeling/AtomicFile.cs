namespace Que2Engage.Modeling;

/// <summary>Write-to-temp-then-rename: the rename is the commit point, so readers never see a half-written file.</summary>
public static class AtomicFile
{
    public static string TempPathFor(string path) => $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public static void WriteAllText(string path, string text)
    {
        string tmp = TempPathFor(path);
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
