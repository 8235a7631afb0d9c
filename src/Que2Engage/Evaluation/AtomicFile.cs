namespace Que2Engage.Evaluation;

/// <summary>Write-to-temporary-then-rename, so readers (and resumed runs) never see half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Que2EngageException($"cannot write '{path}': {e.Message}", inner: e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
