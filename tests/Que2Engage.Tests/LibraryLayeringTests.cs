using System.Reflection;
using NetArchTest.Rules;

namespace Que2Engage.Tests;

/// <summary>
/// The library's folders (one namespace each) depend on each other in one direction only: Common, Text and Data at
/// the bottom, Experiments and Serving on top. Read from the compiled assembly (NetArchTest walks signatures and method
/// bodies), so a dependency hidden in a method body or a fully qualified name counts too.
/// </summary>
public class LibraryLayeringTests
{
    /// <summary>Each folder and the folders it may use. Anything not listed is a dependency the wrong way (or a cycle).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Common"] = [],
        ["Text"] = ["Common"],
        ["Data"] = ["Common"],
        ["Simulation"] = ["Common", "Data", "Text"],
        ["Modeling"] = ["Common", "Data", "Text"],
        ["Retrieval"] = ["Common", "Data", "Text", "Modeling"],
        ["Training"] = ["Common", "Data", "Text", "Modeling"],
        ["Evaluation"] = ["Common", "Data", "Text", "Modeling", "Retrieval"],
        ["Experiments"] = ["Common", "Data", "Text", "Modeling", "Retrieval", "Training", "Evaluation", "Simulation"],
        ["Serving"] = ["Common", "Data", "Text", "Modeling", "Retrieval"],
    };

    private static readonly Assembly Library = typeof(Que2Engage.Common.StableHash).Assembly;

    public static TheoryData<string> Folders() => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Folders))]
    public void AFolderUsesOnlyTheFoldersBelowIt(string folder)
    {
        var forbidden = Allowed.Keys.Where(f => f != folder && !Allowed[folder].Contains(f)).Select(f => $"Que2Engage.{f}").ToArray();
        var result = Types.InAssembly(Library).That().ResideInNamespaceMatching($@"^Que2Engage\.{folder}(\..*)?$")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            $"{folder} must use only {string.Join(", ", Allowed[folder].DefaultIfEmpty("nothing"))}; these types use a folder above it: " +
            string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void EveryFolderOfTheLibraryHasALayer()
    {
        var namespaces = Library.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("Que2Engage.", StringComparison.Ordinal))
            .Select(n => n.Split('.')[1]).Distinct().ToList();
        Assert.DoesNotContain(namespaces, n => !Allowed.ContainsKey(n));
    }

    [Fact]
    public void TheAllowedDependenciesHaveNoCycle()
    {
        // Depth-first search over the allowed graph: a folder reached again while on the stack is a cycle.
        var state = new Dictionary<string, int>();
        bool Cyclic(string f)
        {
            if (state.TryGetValue(f, out int s)) return s == 1;
            state[f] = 1;
            bool cyclic = Allowed[f].Any(Cyclic);
            state[f] = 2;
            return cyclic;
        }
        Assert.DoesNotContain(Allowed.Keys, Cyclic);
    }
}
