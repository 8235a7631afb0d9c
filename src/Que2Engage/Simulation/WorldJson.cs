using Que2Engage.Common;
using System.Text.Json;

namespace Que2Engage.Simulation;

/// <summary>
/// world.json: columnar arrays with short keys, written by streaming through <see cref="Utf8JsonWriter"/> (flushed in
/// chunks, so a million-product world never sits in memory as text). Attribute columns hold indices into "vocab"
/// (-1 = none / not specified).
/// </summary>
internal static class WorldJson
{
    public const string Format = "que2engage-world";
    public const int Version = 1;
    private const int FlushEvery = 8192;

    public static void Write(World world, string path) =>
        AtomicFile.Write(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            using (var w = new Utf8JsonWriter(stream)) WriteDocument(world, w);
            stream.Flush(flushToDisk: true);
        });

    private static void WriteDocument(World world, Utf8JsonWriter w)
    {
        var s = world.Settings;
        var t = world.Taxonomy;
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", Version);
        w.WriteString("relevance_rule", "r=2: same category and every specified attribute equal; r=1: same category, some specified attribute differs; r=0: other category");
        w.WriteString("engagement_rule", "P = sigmoid(b + alpha*r + beta*a - gamma*ln(1+pos)), pos 1-based, a = product attractiveness");

        w.WriteStartObject("settings");
        w.WriteNumber("products", s.Products);
        w.WriteNumber("queries", s.Queries);
        w.WriteNumber("sessions", s.Sessions);
        w.WriteNumber("seed", s.Seed);
        w.WriteStartArray("languages");
        foreach (var l in s.Languages) w.WriteStringValue(l);
        w.WriteEndArray();
        w.WriteNumber("image_dim", s.ImageDim);
        w.WriteNumber("shown_per_session", s.ShownPerSession);
        w.WriteNumber("eval_query_fraction", s.EvalQueryFraction);
        w.WriteNumber("relevance_pairs_per_eval_query", s.RelevancePairsPerEvalQuery);
        w.WriteNumber("shown_exact_share", s.ShownExactShare);
        w.WriteNumber("shown_partial_share", s.ShownPartialShare);
        w.WriteNumber("shown_lexical_share", s.ShownLexicalShare);
        w.WriteNumber("no_image_share", s.NoImageShare);
        w.WriteNumber("query_zipf_exponent", s.QueryZipfExponent);
        w.WriteEndObject();

        w.WriteStartObject("engagement");
        w.WriteNumber("b", s.Engagement.Bias);
        w.WriteNumber("alpha", s.Engagement.Alpha);
        w.WriteNumber("beta", s.Engagement.Beta);
        w.WriteNumber("gamma", s.Engagement.Gamma);
        w.WriteEndObject();

        w.WriteStartObject("vocab");
        Strings(w, "languages", Languages.Codes);
        Strings(w, "categories", t.Categories.Select(c => c.Name));
        Strings(w, "brands", t.Brands);
        Strings(w, "colours", t.Colours.Select(c => c.Key));
        Strings(w, "materials", t.Materials.Select(c => c.Key));
        Strings(w, "styles", t.Styles.Select(c => c.Key));
        w.WriteEndObject();

        var c = world.Catalog;
        int n = c.Count;
        w.WriteStartObject("products");
        w.WriteNumber("count", n);
        Strings(w, "id", world.ProductIds);
        Ints(w, "cat", n, i => c.Traits(i).Category);
        Ints(w, "brand", n, i => c.Traits(i).Brand);
        Ints(w, "colour", n, i => c.Traits(i).Colour);
        Ints(w, "material", n, i => c.Traits(i).Material);
        Ints(w, "style", n, i => c.Traits(i).Style);
        Ints(w, "lang", n, c.Language);
        w.WriteStartArray("a");
        for (int i = 0; i < n; i++)
        {
            w.WriteNumberValue(c.Attractiveness(i));
            if (i % FlushEvery == FlushEvery - 1) w.Flush();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        var q = world.Queries;
        w.WriteStartObject("queries");
        w.WriteNumber("count", q.Count);
        Strings(w, "text", q.Select(x => x.Text));
        Ints(w, "lang", q.Count, i => q[i].Language);
        Ints(w, "eval", q.Count, i => q[i].IsEval ? 1 : 0);
        Ints(w, "cat", q.Count, i => q[i].Intent.Category);
        Ints(w, "brand", q.Count, i => q[i].Intent.Brand);
        Ints(w, "colour", q.Count, i => q[i].Intent.Colour);
        Ints(w, "material", q.Count, i => q[i].Intent.Material);
        Ints(w, "style", q.Count, i => q[i].Intent.Style);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        int k = 0;
        foreach (var v in values)
        {
            w.WriteStringValue(v);
            if (++k % FlushEvery == 0) w.Flush();
        }
        w.WriteEndArray();
    }

    private static void Ints(Utf8JsonWriter w, string name, int count, Func<int, int> value)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < count; i++)
        {
            w.WriteNumberValue(value(i));
            if (i % FlushEvery == FlushEvery - 1) w.Flush();
        }
        w.WriteEndArray();
    }

    public static World Read(string path)
    {
        JsonDocument doc;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (FileNotFoundException) { throw new InvalidInputException($"{path}: world file not found."); }
        catch (DirectoryNotFoundException) { throw new InvalidInputException($"{path}: world file not found."); }
        catch (JsonException e) { throw new DataFormatException(path, null, null, $"not valid JSON: {e.Message}", e); }
        using (doc)
            return new Reader(path, doc.RootElement).World();
    }

    /// <summary>Reads with messages naming the file and the field; "row" is the array index where one applies.</summary>
    private sealed class Reader(string path, JsonElement root)
    {
        private DataFormatException Bad(string field, string message, long? row = null) => new(path, row, field, message);

        private JsonElement Get(JsonElement obj, string name, string field)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v))
                throw Bad(field, "missing");
            return v;
        }

        private double Number(JsonElement obj, string name, string field) =>
            Get(obj, name, field) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : throw Bad(field, "must be a number");

        private int Int(JsonElement obj, string name, string field) =>
            Get(obj, name, field) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out int i) ? i : throw Bad(field, "must be an integer");

        private JsonElement Array(JsonElement obj, string name, string field, int expected)
        {
            var v = Get(obj, name, field);
            if (v.ValueKind != JsonValueKind.Array) throw Bad(field, "must be an array");
            if (expected >= 0 && v.GetArrayLength() != expected) throw Bad(field, $"has {v.GetArrayLength()} entries, expected {expected}");
            return v;
        }

        private string[] StringArray(JsonElement obj, string name, string field, int expected = -1)
        {
            var a = Array(obj, name, field, expected);
            var result = new string[a.GetArrayLength()];
            int i = 0;
            foreach (var e in a.EnumerateArray())
            {
                result[i] = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad(field, "must be a string", i);
                i++;
            }
            return result;
        }

        private int[] IntArray(JsonElement obj, string name, string field, int expected, int min, int maxExclusive)
        {
            var a = Array(obj, name, field, expected);
            var result = new int[expected];
            int i = 0;
            foreach (var e in a.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v)) throw Bad(field, "must be an integer", i);
                if (v < min || v >= maxExclusive) throw Bad(field, $"{v} is out of range [{min}, {maxExclusive})", i);
                result[i++] = v;
            }
            return result;
        }

        public World World()
        {
            if (root.ValueKind != JsonValueKind.Object) throw Bad("(root)", "must be a JSON object");
            if (Get(root, "format", "format").ValueKind != JsonValueKind.String || root.GetProperty("format").GetString() != Format)
                throw Bad("format", $"must be \"{Format}\"");
            int version = Int(root, "version", "version");
            if (version != Version) throw Bad("version", $"unsupported version {version} (this build reads {Version})");

            var taxonomy = Taxonomy.Default;
            var vocab = Get(root, "vocab", "vocab");
            CheckVocab(vocab, "categories", taxonomy.Categories.Select(c => c.Name));
            CheckVocab(vocab, "brands", taxonomy.Brands);
            CheckVocab(vocab, "colours", taxonomy.Colours.Select(c => c.Key));
            CheckVocab(vocab, "materials", taxonomy.Materials.Select(c => c.Key));
            CheckVocab(vocab, "styles", taxonomy.Styles.Select(c => c.Key));
            CheckVocab(vocab, "languages", Languages.Codes);

            var s = Get(root, "settings", "settings");
            var e = Get(root, "engagement", "engagement");
            var settings = new WorldSettings
            {
                Products = Int(s, "products", "settings.products"),
                Queries = Int(s, "queries", "settings.queries"),
                Sessions = Int(s, "sessions", "settings.sessions"),
                Seed = Get(s, "seed", "settings.seed") is { ValueKind: JsonValueKind.Number } seed && seed.TryGetUInt64(out ulong u) ? u : throw Bad("settings.seed", "must be a non-negative integer"),
                Languages = StringArray(s, "languages", "settings.languages"),
                ImageDim = Int(s, "image_dim", "settings.image_dim"),
                ShownPerSession = Int(s, "shown_per_session", "settings.shown_per_session"),
                EvalQueryFraction = Number(s, "eval_query_fraction", "settings.eval_query_fraction"),
                RelevancePairsPerEvalQuery = Int(s, "relevance_pairs_per_eval_query", "settings.relevance_pairs_per_eval_query"),
                ShownExactShare = Number(s, "shown_exact_share", "settings.shown_exact_share"),
                ShownPartialShare = Number(s, "shown_partial_share", "settings.shown_partial_share"),
                ShownLexicalShare = Number(s, "shown_lexical_share", "settings.shown_lexical_share"),
                NoImageShare = Number(s, "no_image_share", "settings.no_image_share"),
                QueryZipfExponent = Number(s, "query_zipf_exponent", "settings.query_zipf_exponent"),
                Engagement = new EngagementParameters
                {
                    Bias = Number(e, "b", "engagement.b"),
                    Alpha = Number(e, "alpha", "engagement.alpha"),
                    Beta = Number(e, "beta", "engagement.beta"),
                    Gamma = Number(e, "gamma", "engagement.gamma"),
                },
            };

            var p = Get(root, "products", "products");
            int n = Int(p, "count", "products.count");
            if (n < 0) throw Bad("products.count", "must not be negative");
            var ids = StringArray(p, "id", "products.id", n);
            var cat = IntArray(p, "cat", "products.cat", n, 0, taxonomy.Categories.Count);
            var brand = IntArray(p, "brand", "products.brand", n, -1, taxonomy.Brands.Count);
            var colour = IntArray(p, "colour", "products.colour", n, 0, taxonomy.Colours.Count);
            var material = IntArray(p, "material", "products.material", n, 0, taxonomy.Materials.Count);
            var style = IntArray(p, "style", "products.style", n, 0, taxonomy.Styles.Count);
            var plang = IntArray(p, "lang", "products.lang", n, 0, Languages.Count);
            var a = Array(p, "a", "products.a", n);
            var catalog = new CatalogTruth(n);
            int k = 0;
            foreach (var v in a.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetSingle(out float av) || !float.IsFinite(av))
                    throw Bad("products.a", "must be a finite number", k);
                catalog.Set(k, new ProductTraits(cat[k], brand[k], colour[k], material[k], style[k]), plang[k], av);
                k++;
            }

            var q = Get(root, "queries", "queries");
            int m = Int(q, "count", "queries.count");
            if (m < 0) throw Bad("queries.count", "must not be negative");
            var text = StringArray(q, "text", "queries.text", m);
            var lang = IntArray(q, "lang", "queries.lang", m, 0, Languages.Count);
            var isEval = IntArray(q, "eval", "queries.eval", m, 0, 2);
            var qcat = IntArray(q, "cat", "queries.cat", m, 0, taxonomy.Categories.Count);
            var qbrand = IntArray(q, "brand", "queries.brand", m, -1, taxonomy.Brands.Count);
            var qcolour = IntArray(q, "colour", "queries.colour", m, -1, taxonomy.Colours.Count);
            var qmaterial = IntArray(q, "material", "queries.material", m, -1, taxonomy.Materials.Count);
            var qstyle = IntArray(q, "style", "queries.style", m, -1, taxonomy.Styles.Count);
            var queries = new SimulatedQuery[m];
            for (int i = 0; i < m; i++)
                queries[i] = new SimulatedQuery(text[i], new QueryIntent(qcat[i], qbrand[i], qcolour[i], qmaterial[i], qstyle[i]), lang[i], isEval[i] == 1);

            return new World(settings, taxonomy, catalog, ids, queries);
        }

        private void CheckVocab(JsonElement vocab, string name, IEnumerable<string> expected)
        {
            var actual = StringArray(vocab, name, "vocab." + name);
            if (!actual.SequenceEqual(expected))
                throw Bad("vocab." + name, "differs from this build's taxonomy (world generated by another version?)");
        }
    }
}
