using System.Text.RegularExpressions;
using Que2Engage.Tests.CommandLine;

namespace Que2Engage.Tests.Docs;

/// <summary>Every "DESIGN §n" (or "§n–m") that a comment cites is a section of docs/DESIGN.md.</summary>
public class DesignReferenceTests
{
    [Fact]
    public void EverySectionCitedInTheCodeExistsInDocsDesign()
    {
        var root = ReadmeCommandTests.RepositoryRoot();
        var sections = Regex.Matches(File.ReadAllText(Path.Combine(root, "docs", "DESIGN.md")), @"^## (\d+)\.", RegexOptions.Multiline)
            .Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var cited = new List<(string File, int Section)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            foreach (Match m in Regex.Matches(File.ReadAllText(file), @"DESIGN §(\d+)(?:[–-](\d+))?"))
                for (int s = int.Parse(m.Groups[1].Value); s <= int.Parse(m.Groups[2].Success ? m.Groups[2].Value : m.Groups[1].Value); s++)
                    cited.Add((Path.GetRelativePath(root, file), s));
        Assert.NotEmpty(cited);
        Assert.Empty(cited.Where(c => !sections.Contains(c.Section)).Select(c => $"{c.File}: DESIGN §{c.Section}"));
    }
}
