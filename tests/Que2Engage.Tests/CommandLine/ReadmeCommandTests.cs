using System.Text;
using System.Text.RegularExpressions;
using Que2Engage.Cli;

namespace Que2Engage.Tests.CommandLine;

/// <summary>
/// Every <c>./que2engage ...</c> line of README.md's <c>```bash</c> blocks parses with the real command line: a verb,
/// flag or value that README shows and the CLI rejects (an unknown flag, a bad enum or number, a missing required
/// option) fails here.
/// </summary>
public class ReadmeCommandTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var c in ReadmeCommands(File.ReadAllText(ReadmePath())).Distinct()) data.Add(c);
        return data;
    }

    [Fact]
    public void ReadmeShowsCommandsOfEveryVerb()
    {
        var verbs = ReadmeCommands(File.ReadAllText(ReadmePath())).Select(c => Split(c)[0]).ToHashSet();
        foreach (var verb in new[] { "demo", "generate", "validate", "import", "train", "evaluate", "ablation", "index", "search", "serve", "silo", "bench" })
            Assert.Contains(verb, verbs);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ReadmeCommandParses(string command)
    {
        var parsed = Program.BuildRoot().Parse(Split(command));
        Assert.True(parsed.Errors.Count == 0, $"./que2engage {command}\n" + string.Join("\n", parsed.Errors.Select(e => e.Message)));
        Assert.NotEqual("que2engage", parsed.CommandResult.Command.Name);
    }

    [Fact]
    public void TheExtractorFindsContinuedLinesAndDropsComments()
    {
        const string readme = "text ./que2engage nope\n```bash\n./que2engage import --format csv \\\n  --input a.csv --out d   # c\n" +
                              "curl x\n./que2engage silo --name a &\n```\n```\n./que2engage not-bash\n```\n";
        Assert.Equal(["import --format csv --input a.csv --out d", "silo --name a"], ReadmeCommands(readme));
        Assert.Equal(["import", "--rating-map", "<=2:0,>2:drop", "--q", "red sofa"], Split("import --rating-map \"<=2:0,>2:drop\" --q 'red sofa'"));
        Assert.Equal([(0, "./que2engage import --format csv --input a.csv --out d"), (0, "curl x"), (0, "./que2engage silo --name a &")],
                     ReadmeShellCommands(readme));
        const string quoted = "```bash\ncurl -X PUT -H 'A: b' \\\n  -d '{\"a\":1, # not a comment\n    \"b\":2}' http://h/p   # c\n```\n```bash\nx\n```\n";
        Assert.Equal([(0, "curl -X PUT -H 'A: b' -d '{\"a\":1, # not a comment\n    \"b\":2}' http://h/p"), (1, "x")], ReadmeShellCommands(quoted));
    }

    /// <summary>The arguments after <c>./que2engage</c> of each command in the ```bash blocks, continuation lines joined.</summary>
    internal static List<string> ReadmeCommands(string markdown) =>
        ReadmeShellCommands(markdown).Select(c => c.Text.TrimEnd('&').Trim())
            .Where(t => t.StartsWith("./que2engage ", StringComparison.Ordinal))
            .Select(t => t["./que2engage ".Length..].Trim()).ToList();

    /// <summary>
    /// Every shell command of the ```bash blocks (numbered from 0 in README order), comments dropped: a line ending in
    /// <c>\</c> continues on the next (joined with a space), and so does a line ending inside a quote (joined with a
    /// newline, which stays part of the quoted word, as in a shell). A trailing <c>&amp;</c> is kept.
    /// </summary>
    internal static List<(int Block, string Text)> ReadmeShellCommands(string markdown)
    {
        var commands = new List<(int, string)>();
        bool inBash = false;
        int block = -1;
        string? pending = null;
        char quote = '\0';
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending is null && line.StartsWith("```", StringComparison.Ordinal))
            {
                inBash = !inBash && line.Trim() == "```bash";
                if (inBash) block++;
                continue;
            }
            if (!inBash) continue;
            bool inQuote = quote != '\0';
            var text = StripComment(line, ref quote);
            if (pending is null && text.Trim().Length == 0) continue;
            pending = pending is null ? text.Trim() : pending + (inQuote ? text : text.TrimStart());
            if (quote != '\0') { pending += "\n"; continue; }
            pending = pending.TrimEnd();
            if (pending.EndsWith('\\')) { pending = pending[..^1].TrimEnd() + " "; continue; }
            commands.Add((block, pending));
            pending = null;
        }
        return commands;
    }

    /// <summary>A line without its shell comment (a # outside quotes that starts a word); <paramref name="quote"/> carries an open quote across lines.</summary>
    private static string StripComment(string line, ref char quote)
    {
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    /// <summary>Shell words: whitespace-separated, with '…' and "…" quoting.</summary>
    internal static string[] Split(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in command)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; else word.Append(c); }
            else if (c is '"' or '\'') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c)) { if (inWord) words.Add(word.ToString()); word.Clear(); inWord = false; }
            else { word.Append(c); inWord = true; }
        }
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    private static string ReadmePath() => Path.Combine(RepositoryRoot(), "README.md");

    /// <summary>The checkout the tests run from: the first folder above the test's output with README.md and src/.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new FileNotFoundException("README.md above the test's output directory");
    }
}
