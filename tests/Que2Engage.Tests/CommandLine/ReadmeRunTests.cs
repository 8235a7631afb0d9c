using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Que2Engage.Benchmarks;
using Que2Engage.Tests.Data.Import;
using Xunit.Abstractions;

namespace Que2Engage.Tests.CommandLine;

/// <summary>
/// Every command of README.md's ```bash blocks RUNS as written (issue #14), on a tiny world: each <c>./que2engage</c>
/// line is the real CLI in its own process (<c>dotnet Que2Engage.Cli.dll …</c>) in a fresh folder laid out like a
/// checkout, so README's relative paths (data/world, models/q2e, index/q2e, ../shared/…) mean what they mean there.
/// <list type="bullet">
/// <item>Blocks run in README order, except that the block that generates data/world (the researcher journey) runs
/// first: the "Large catalogs" block above it indexes data/world with models/q2e.</item>
/// <item>Only sizes are changed, by the per-verb rules of <see cref="SizeRules"/>; ports by <see cref="MapPorts"/>
/// (each README port becomes one free port, the same one wherever README repeats it).</item>
/// <item><c>serve</c> and <c>silo</c> run in the background, as in a second terminal, until a later command listens
/// on the same README port or writes their index (the reader's Ctrl+C), or the test ends; once ready, a serve's
/// /healthz, /search (with hits), page, /metrics and /embed are checked. The curl lines are sent with HttpClient
/// (same method, URL, headers and body). The write-key line is done in C#.</item>
/// <item>What cannot run here is listed in <see cref="NotRun"/> with the reason; the set of lines not run must be
/// exactly that list, so a new README line cannot silently skip.</item>
/// </list>
/// </summary>
public sealed class ReadmeRunTests : IDisposable
{
    private const string Cli = "./que2engage ";
    private const string WriteKeyLine = "head -c 32 /dev/urandom | base64 > write.key";

    /// <summary>serve's --port when none is given (ServeCommand).</summary>
    private const int ServeDefaultPort = 8080;

    /// <summary>
    /// The sizes this test changes, per verb: each option is set to the value (replaced when README gives it, added
    /// otherwise: System.CommandLine refuses an option given twice). Nothing else is changed.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, (string Option, string Value)[]> SizeRules = new Dictionary<string, (string, string)[]>
    {
        // a simulated marketplace of 300 products (demo: the one it generates) and two training steps per model
        ["generate"] = [("--products", "300"), ("--queries", "60"), ("--sessions", "300")],
        ["demo"] = [("--products", "300"), ("--queries", "60"), ("--sessions", "300"), ("--steps", "2")],
        // two steps of batch 8 (with --engaged-fraction 0.5: 8 engaged + 8 other pairs)
        ["train"] = [("--steps", "2"), ("--batch", "8")],
        // one seed, two steps per cell (every row and λ of README's line still runs)
        ["ablation"] = [("--seeds", "1"), ("--steps", "2")],
        ["bench index"] = [("--n", "2000"), ("--queries", "100")],
        ["bench serve"] = [("--requests", "100"), ("--warmup-seconds", "1")],
        ["bench query-latency"] = [("--queries", "50"), ("--warmup", "10")],
        // the fewest steps bench train accepts (its first and last step are not timed), from the benchmark itself
        // so the rule cannot fall below it again; the line runs only where python3-torch is installed
        ["bench train"] = [("--steps", TrainingBenchmark.MinSteps.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("--pairs", "1")],
    };

    /// <summary>
    /// train without a pretrained --init also gets a tiny transformer (as the unit tests train: OutputSafetyTests);
    /// with --init the widths are the checkpoint's, so they are left alone.
    /// </summary>
    internal static readonly (string Option, string Value)[] TinyModel =
        [("--d-model", "16"), ("--heads", "2"), ("--ffn", "32"), ("--dim", "8"), ("--query-layers", "1"), ("--fusion-layers", "1")];

    /// <summary>Whether bench train's default --python (/usr/bin/python3) imports torch.</summary>
    private static readonly Lazy<bool> TorchAvailable = new(() =>
    {
        if (!File.Exists("/usr/bin/python3")) return false;
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    });

    private const string OtherMachines = "the multi-machine Redis example: its addresses (10.0.0.x) are other machines (Redis membership on one machine is tested by Cluster/RedisClusterTests)";

    /// <summary>The README lines this test does not run, and why (a repeated line: only its later occurrences).</summary>
    internal static IReadOnlyList<(string Line, string Reason, bool RepeatsOnly)> NotRun(bool torchAvailable)
    {
        var list = new List<(string, string, bool)>
        {
            ("dotnet test", "the test suite itself, which runs this test", false),
            ("redis-server --bind 10.0.0.1 --protected-mode no", OtherMachines, false),
            ("./que2engage silo --index index/sharded --shards 0,1 --name a --host 10.0.0.11 --redis 10.0.0.1:6379", OtherMachines, false),
            ("./que2engage silo --index index/sharded --shards 1,2 --name b --host 10.0.0.12 --redis 10.0.0.1:6379", OtherMachines, false),
            ("./que2engage silo --index index/sharded --shards 2,0 --name c --host 10.0.0.13 --redis 10.0.0.1:6379", OtherMachines, false),
            ("./que2engage serve --cluster --index index/sharded --redis 10.0.0.1:6379 --host 0.0.0.0 --port 5080", OtherMachines, false),
            ("apt-get install -y python3-torch libopenblas0-pthread", "installs system packages (root, network); a test does not", false),
            ("./que2engage train --data data/world --out models/q2e",
             "shown again in the recipe section: the model is there from its first run (a second train into it is refused without --overwrite, as README says)", true),
            ("./que2engage train --data data/world --out models/q2e-paper --recipe paper --modality-dropout",
             "shown again in the recipe section: the model is there from its first run (a second train into it is refused without --overwrite, as README says)", true),
        };
        if (!torchAvailable)
            list.Add(("./que2engage bench train --preset small --threads 2 --steps 22 --peer torch --pairs 3",
                      "--peer torch needs python3's torch, which this machine lacks (CI does not install it); runs where `python3 -c \"import torch\"` works", false));
        return list;
    }

    private readonly ITestOutputHelper _log;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "q2e-readme-" + Guid.NewGuid().ToString("N"));
    private readonly string _checkout;
    private readonly Dictionary<int, int> _ports = new();
    private readonly List<Background> _background = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public ReadmeRunTests(ITestOutputHelper log)
    {
        _log = log;
        _checkout = Path.Combine(_root, "checkout");
        Directory.CreateDirectory(_checkout);
    }

    public void Dispose()
    {
        StopBackground(_ => true);
        _http.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static List<(int Block, string Text)> Readme() =>
        ReadmeCommandTests.ReadmeShellCommands(File.ReadAllText(Path.Combine(ReadmeCommandTests.RepositoryRoot(), "README.md")));

    /// <summary>Which lines are not run: those of <see cref="NotRun"/> (a repeat-only entry from its second occurrence on).</summary>
    private static List<(int Block, string Text, string? NotRunReason)> Classify(List<(int Block, string Text)> lines, bool torch)
    {
        var notRun = NotRun(torch);
        var seen = new HashSet<string>();
        var result = new List<(int, string, string?)>();
        foreach (var (block, text) in lines)
        {
            var entry = notRun.FirstOrDefault(e => e.Line == text && (!e.RepeatsOnly || seen.Contains(text)));
            result.Add((block, text, entry.Line is null ? null : entry.Reason));
            seen.Add(text);
        }
        return result;
    }

    [Fact]
    public void EveryReadmeLineRunsOrIsListedAsNotRunWithAReason()
    {
        foreach (bool torch in new[] { false, true })
        {
            var classified = Classify(Readme(), torch);
            var notRun = classified.Where(c => c.NotRunReason is not null).Select(c => c.Text).Order().ToList();
            Assert.Equal(NotRun(torch).Select(e => e.Line).Order().ToList(), notRun);
            foreach (var (_, text, reason) in classified)
                Assert.True(reason is not null || text.StartsWith(Cli, StringComparison.Ordinal) || text.StartsWith("curl ", StringComparison.Ordinal) || text == WriteKeyLine,
                    $"README line this test cannot run: add it to NotRun with a reason, or teach the test to run it:\n{text}");
        }
    }

    /// <summary>
    /// The resized bench train line is one bench train accepts: the README run skips that line without python3-torch
    /// (as on CI), so a size below the verb's minimum only showed on a machine that has torch (issue #24, item 11).
    /// </summary>
    [Fact]
    public void ResizedBenchTrainRunsAtLeastTheStepsItAccepts()
    {
        var lines = Readme().Select(l => l.Text).Where(t => t.StartsWith(Cli + "bench train ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var resized = Resize(ReadmeCommandTests.Split(line[Cli.Length..]));
            int steps = int.Parse(Value(resized, "--steps") ?? "10", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(steps >= TrainingBenchmark.MinSteps, $"{string.Join(' ', resized)}: --steps {steps} < {TrainingBenchmark.MinSteps}");
        }
    }

    [Fact]
    public async Task EveryReadmeCommandRunsOnATinyWorld()
    {
        WriteFixtures();
        var classified = Classify(Readme(), TorchAvailable.Value);
        var firstBlocks = classified.Where(c => c.Text.StartsWith(Cli + "generate ", StringComparison.Ordinal)).Select(c => c.Block).ToHashSet();
        var order = classified.Select(c => c.Block).Distinct().OrderBy(b => firstBlocks.Contains(b) ? 0 : 1).ThenBy(b => b).ToList();
        var total = Stopwatch.StartNew();
        foreach (int block in order)
        {
            foreach (var (_, text, reason) in classified.Where(c => c.Block == block))
            {
                if (reason is not null) { _log.WriteLine($"not run: {text}\n  ({reason})"); continue; }
                var clock = Stopwatch.StartNew();
                string? ran = null;
                if (text == WriteKeyLine)
                    File.WriteAllText(Path.Combine(_checkout, "write.key"), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
                else if (text.StartsWith("curl ", StringComparison.Ordinal))
                    await Curl(text);
                else
                    ran = await RunCli(text);
                _log.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {text}");
                if (ran is not null) _log.WriteLine($"          ran: {ran}");
            }
        }
        StopBackground(_ => true);
        _log.WriteLine($"all README commands: {total.Elapsed.TotalSeconds:F0} s");
    }

    // ---------------------------------------------------------------- fixtures

    /// <summary>
    /// The input files README's import and upsert lines name, tiny: the ESCI Parquet pair (from the import tests' CSV
    /// fixtures), clicks.csv (the log-import fixture, whose columns are README's flags), ratings.jsonl, changes.jsonl,
    /// and a Home Depot train.csv at ../shared/data/homedepot/ with the real file's header (never the real file).
    /// </summary>
    private void WriteFixtures()
    {
        foreach (var (fixture, name) in new[] { ("esci_examples.csv", "shopping_queries_dataset_examples.parquet"), ("esci_products.csv", "shopping_queries_dataset_products.parquet") })
            File.Move(ImportFixtures.AsParquet(fixture, _root), Path.Combine(_checkout, name));
        File.Copy(ImportFixtures.Path("log.csv"), Path.Combine(_checkout, "clicks.csv"));

        var ratings = new StringBuilder();
        string[] queries = ["red sofa", "wireless mouse", "oak desk", "garden hose"];
        for (int q = 0; q < queries.Length; q++)
            for (int i = 0; i < 5; i++)
                ratings.Append(JsonSerializer.Serialize(new { q = queries[q], pid = $"R{q * 3 + i}", title = $"{queries[q]} model {i}", stars = 1 + (q + i) % 4 })).Append('\n');
        File.WriteAllText(Path.Combine(_checkout, "ratings.jsonl"), ratings.ToString());

        File.WriteAllText(Path.Combine(_checkout, "changes.jsonl"),
            """
            {"product_id":"p42","title":"Red leather sofa","language":"en","price":180,"condition":"good","seller_rating_count":0,"photo_count":2,"listing_age_days":0}
            {"product_id":"p43","title":"Blue velvet armchair","language":"en","price":95,"condition":"like_new","seller_rating_count":3,"seller_rating":4.5,"photo_count":1,"listing_age_days":2}

            """);

        var homeDepot = Path.Combine(_root, "shared", "data", "homedepot");
        Directory.CreateDirectory(homeDepot);
        var csv = new StringBuilder("\"id\",\"product_uid\",\"product_title\",\"search_term\",\"relevance\"\n");
        string[] titles = ["Simpson Strong-Tie 12-Gauge Angle", "BEHR Premium Textured DeckOver 1 gal.", "Delta Vero 1-Handle Shower Only Faucet Trim Kit",
                           "Whirlpool 1.9 cu. ft. Over the Range Convection Microwave", "Lithonia Lighting Emergency Light", "Hampton Bay 52 in. Ceiling Fan with Light",
                           "3/4 in. x 2 ft. x 4 ft. MDF Panel", "STA-BIL 8 oz. Fuel Stabilizer"];
        string[] terms = ["angle bracket", "deck over", "shower only faucet", "convection otr", "emergency light", "ceiling fan light", "mdf 3/4", "fuel stabilizer"];
        double[] relevance = [3, 2.33, 1.67, 2.67];   // means of raters: exact, dropped, irrelevant, exact
        int id = 2;
        for (int t = 0; t < terms.Length; t++)
            for (int k = 0; k < relevance.Length; k++)
            {
                int p = (t + k) % titles.Length;
                csv.Append(System.FormattableString.Invariant($"{id++},{100001 + p},\"{titles[p]}\",\"{terms[t]}\",{relevance[k]}\n"));
            }
        File.WriteAllText(Path.Combine(homeDepot, "train.csv"), csv.ToString());
    }

    // ---------------------------------------------------------------- ./que2engage lines

    /// <summary>Runs a ./que2engage line; returns the arguments it ran when the rules changed README's.</summary>
    private async Task<string?> RunCli(string text)
    {
        var resized = Resize(ReadmeCommandTests.Split(text[Cli.Length..].TrimEnd('&').Trim()));
        var listens = ListeningPorts(resized);
        string? writes = Value(resized, "--out");
        StopBackground(b => b.ReadmePorts.Overlaps(listens) || (writes is not null && Value(b.Args, "--index") == writes));
        var args = MapPorts(resized);
        string? changed = args.SequenceEqual(ReadmeCommandTests.Split(text[Cli.Length..].TrimEnd('&').Trim())) ? null : string.Join(' ', args);
        if (args[0] is "serve" or "silo")
        {
            await StartBackground(text, args, listens);
            return changed;
        }
        var run = await Run(args, TimeSpan.FromMinutes(10));
        Assert.True(run.Code == 0, Failure(text, args, $"exit code {run.Code}", run.Output));
        CheckEffect(text, args, run.Output);
        return changed;
    }

    private static string? Value(List<string> args, string option) => args.IndexOf(option) is int i and >= 0 && i + 1 < args.Count ? args[i + 1] : null;

    /// <summary><paramref name="args"/> with the sizes of <see cref="SizeRules"/>, and a serve's or silo's default ports written out.</summary>
    internal static List<string> Resize(string[] args)
    {
        var list = args.ToList();
        string verb = list[0] == "bench" && list.Count > 1 ? "bench " + list[1] : list[0];
        var set = new List<(string Option, string Value)>(SizeRules.GetValueOrDefault(verb, []));
        if (verb == "train" && !list.Contains("--init")) set.AddRange(TinyModel);
        foreach (var (option, value) in set) Set(list, option, value);
        if (verb is "serve" && !list.Contains("--port")) list.AddRange(["--port", ServeDefaultPort.ToString()]);
        if (verb is "silo" && !list.Contains("--port")) list.AddRange(["--port", "11111"]);
        if (verb is "silo" && !list.Contains("--gateway-port")) list.AddRange(["--gateway-port", "30000"]);
        return list;
    }

    /// <summary>The README ports a serve or silo listens on.</summary>
    private static HashSet<int> ListeningPorts(List<string> args) => args[0] is "serve" or "silo"
        ? [.. new[] { "--port", "--gateway-port" }.Select(o => Value(args, o)).OfType<string>().Select(int.Parse)]
        : [];

    /// <summary>A serve's or silo's ports (its own, and the silos' it names) mapped to free ones.</summary>
    private List<string> MapPorts(List<string> args)
    {
        var list = args.ToList();
        if (list[0] is "serve" or "silo")
            for (int i = 1; i < list.Count; i++)
                switch (list[i - 1])
                {
                    case "--port" or "--gateway-port":
                        list[i] = Port(int.Parse(list[i])).ToString();
                        break;
                    case "--primary" or "--gateway":
                        int colon = list[i].LastIndexOf(':');
                        list[i] = list[i][..(colon + 1)] + Port(int.Parse(list[i][(colon + 1)..]));
                        break;
                }
        return list;
    }

    private static void Set(List<string> args, string option, string value)
    {
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);
    }

    /// <summary>The free port standing in for README's <paramref name="readmePort"/> (one per README port).</summary>
    private int Port(int readmePort)
    {
        if (!_ports.TryGetValue(readmePort, out int port))
        {
            do
            {
                using var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                port = ((IPEndPoint)l.LocalEndpoint).Port;
            } while (_ports.ContainsValue(port));
            _ports[readmePort] = port;
        }
        return port;
    }

    /// <summary>The cheap evidence that a finished command did what README says: its output files, or hits.</summary>
    private void CheckEffect(string text, List<string> args, string output)
    {
        string? Value(string option) => ReadmeRunTests.Value(args, option);
        void Exists(string relative, string what) =>
            Assert.True(File.Exists(Path.Combine(_checkout, relative)) || Directory.Exists(Path.Combine(_checkout, relative)),
                Failure(text, args, $"exit code 0 but no {what} ({relative})", output));
        string verb = args[0] == "bench" ? "bench " + args[1] : args[0];
        switch (verb)
        {
            case "demo": Exists(Path.Combine(Value("--out") ?? Path.Combine("runs", "demo"), "report", "report.md"), "report"); break;
            case "generate": Exists(Que2Engage.Simulation.World.PathIn(Value("--out")!), Que2Engage.Data.DataFiles.WorldFile); break;
            case "import": Exists(Path.Combine(Value("--out")!, "import.json"), "import.json"); break;
            case "train": Exists(Path.Combine(Value("--out")!, "weights.bin"), "model weights"); break;
            case "ablation": Exists(Path.Combine(Value("--out")!, "ablation.md"), "ablation table"); break;
            case "bench index": Exists(Path.Combine(Value("--out") ?? Path.Combine("bench", "out"), "csharp.json"), "benchmark result"); break;
            case "evaluate":
                if (Value("--json") is { } json) Exists(json, "JSON result");
                if (Value("--plots") is { } plots) Exists(plots, "plots");
                Assert.True(output.Contains("ROC-AUC", StringComparison.Ordinal), Failure(text, args, "no metrics printed", output));
                break;
            case "index":
                if (args.Contains("--upsert") || args.Contains("--delete"))
                    Assert.True(output.Contains("upserted", StringComparison.Ordinal), Failure(text, args, "no upsert summary", output));
                else Exists(Path.Combine(Value("--out")!, args.Contains("--shards") ? "shards.json" : "manifest.json"), "index");
                break;
            case "search":
                Assert.True(Regex.IsMatch(output, @"^\s+1\s", RegexOptions.Multiline), Failure(text, args, "no hits printed", output));
                break;
        }
    }

    // ---------------------------------------------------------------- background: serve, silo

    private sealed class Background(string text, List<string> args, HashSet<int> readmePorts, Process process, StringBuilder output)
    {
        public string Text { get; } = text;
        public HashSet<int> ReadmePorts { get; } = readmePorts;
        public List<string> Args { get; } = args;
        public Process Process { get; } = process;
        public string Output { get { lock (output) return output.ToString(); } }
    }

    private async Task StartBackground(string text, List<string> args, HashSet<int> readmePorts)
    {
        bool serve = args[0] == "serve";
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Start(args);
        var bg = new Background(text, args, readmePorts, process, output);
        _background.Add(bg);
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (output) output.Append(line).Append('\n');
            if (line.StartsWith(serve ? "serving " : "silo ", StringComparison.Ordinal)) ready.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(first == ready.Task, Failure(text, args, first == exited ? $"exited with code {process.ExitCode} before it was ready" : "not ready within 3 minutes", bg.Output));
        if (!serve) return;

        int port = int.Parse(args[args.IndexOf("--port") + 1]);
        var root = $"http://127.0.0.1:{port}";
        async Task<string> Get(string path, HttpStatusCode expected = HttpStatusCode.OK)
        {
            using var response = await _http.GetAsync(root + path);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, Failure(text, args, $"GET {path} answered {(int)response.StatusCode}: {Tail(body, 5)}", bg.Output));
            return body;
        }
        await Get("/healthz");
        Assert.True(Hits(await Get("/search?q=sofa")) > 0, Failure(text, args, "GET /search?q=sofa found nothing", bg.Output));
        Assert.Contains("sofa", await Get("/?q=sofa"));
        Assert.Contains("q2e_http_requests_total", await Get("/metrics"));
        if (!args.Contains("--cluster"))
        {
            using var embed = await _http.PostAsync(root + "/embed", new StringContent("{\"query\":\"sofa\"}", Encoding.UTF8, "application/json"));
            Assert.True(embed.StatusCode == HttpStatusCode.OK, Failure(text, args, $"POST /embed answered {(int)embed.StatusCode}", bg.Output));
        }
    }

    /// <summary>Logs to the test's output (also from Dispose, when xunit may no longer take output).</summary>
    private void Log(string line)
    {
        try { _log.WriteLine(line); } catch (InvalidOperationException) { }
    }

    private static int Hits(string searchJson)
    {
        using var doc = JsonDocument.Parse(searchJson);
        return doc.RootElement.GetProperty("hits").GetArrayLength();
    }

    /// <summary>Stops the background processes that <paramref name="which"/> picks, the latest first (a front end before its silos), each by its own PID.</summary>
    private void StopBackground(Func<Background, bool> which)
    {
        foreach (var bg in Enumerable.Reverse(_background).Where(which).ToList())
        {
            try
            {
                if (!bg.Process.HasExited) bg.Process.Kill(entireProcessTree: true);
                bg.Process.WaitForExit(10_000);
            }
            catch (InvalidOperationException) { }
            Log($"stopped: {bg.Text}");
            bg.Process.Dispose();
            _background.Remove(bg);
        }
    }

    // ---------------------------------------------------------------- curl lines

    /// <summary>README's curl line with HttpClient: same method, URL (port mapped), headers and body; <c>$(cat F)</c> read from the checkout.</summary>
    private async Task Curl(string text)
    {
        var words = ReadmeCommandTests.Split(text);
        string method = "GET", url = "";
        string? body = null;
        var headers = new List<(string Name, string Value)>();
        for (int i = 1; i < words.Length; i++)
        {
            string Next() => Substitute(words[++i]);
            switch (words[i])
            {
                case "-X": method = Next(); break;
                case "-H":
                    var h = Next();
                    headers.Add((h[..h.IndexOf(':')].Trim(), h[(h.IndexOf(':') + 1)..].Trim()));
                    break;
                case "-d": body = Next(); if (method == "GET") method = "POST"; break;
                default:
                    Assert.True(!words[i].StartsWith('-'), $"curl option this test does not know: {words[i]}\n{text}");
                    url = words[i];
                    break;
            }
        }
        var uri = new Uri(url);
        Assert.True(_ports.ContainsKey(uri.Port), $"no server was started on README's port {uri.Port} for:\n{text}");
        var mapped = new UriBuilder(uri) { Port = _ports[uri.Port] }.Uri;
        using var request = new HttpRequestMessage(new HttpMethod(method), mapped);
        string? contentType = null;
        foreach (var (name, value) in headers)
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
            else Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"header {name}\n{text}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/x-www-form-urlencoded");
        }
        using var response = await _http.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();
        string server = string.Join("\n", _background.Select(b => b.Output));
        Assert.True(response.IsSuccessStatusCode, Failure(text, [method, mapped.ToString()], $"answered {(int)response.StatusCode}: {Tail(answer, 10)}", server));
        if (method == "GET" && uri.AbsolutePath == "/search")
            Assert.True(Hits(answer) > 0, Failure(text, [mapped.ToString()], "no hits", answer));
        _log.WriteLine($"  {method} {mapped.PathAndQuery} → {(int)response.StatusCode}");
    }

    /// <summary>The shell's <c>$(cat FILE)</c>, the only substitution README's curl lines use.</summary>
    private string Substitute(string word) =>
        Regex.Replace(word, @"\$\(cat ([^)]+)\)", m => File.ReadAllText(Path.Combine(_checkout, m.Groups[1].Value)).TrimEnd('\n'));

    // ---------------------------------------------------------------- processes

    private Process Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _checkout, UseShellExecute = false,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
        };
        start.ArgumentList.Add(typeof(Cli.Program).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    private async Task<(int Code, string Output)> Run(List<string> args, TimeSpan timeout)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"killed after {timeout.TotalMinutes} minutes\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, $"{await stdout}\n--- stderr ---\n{await stderr}");
    }

    private static string Failure(string readmeLine, IEnumerable<string> ran, string what, string output) =>
        $"README command failed: {readmeLine}\n  ran: {string.Join(' ', ran)}\n  {what}\n  last lines of its output:\n{Tail(output, 40)}";

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(lines));
}
