using System.Text.RegularExpressions;

namespace Que2Engage.Tests.Modeling;

public sealed class ModelingDependencyTests
{
    /// <summary>src/Que2Engage of the repository these tests were built from.</summary>
    private static string LibrarySource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Que2Engage");
            if (Directory.Exists(Path.Combine(candidate, "Modeling"))) return candidate;
        }
        throw new DirectoryNotFoundException("src/Que2Engage not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void ModelingDoesNotReferToTraining()
    {
        // Training builds on Modeling; a reference back (ModelKind used to live in Training) makes the two one unit.
        var reference = new Regex(@"\bQue2Engage\.Training\b|(?<![\w.])Training\.[A-Z]", RegexOptions.CultureInvariant);
        var found = Directory.EnumerateFiles(Path.Combine(LibrarySource(), "Modeling"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && reference.IsMatch(l.Text))
            .Select(l => $"{Path.GetFileName(l.File)}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(found.Count == 0, string.Join(Environment.NewLine, found));
    }
}
