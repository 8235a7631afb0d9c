using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Que2Engage.Tests.Modeling.Pretrained;

/// <summary>Writes safetensors files for tests, and a tiny random checkpoint with XLM-R's key names and shapes.</summary>
public static class TinyXlmRobertaCheckpoint
{
    public sealed record Tensor(long[] Shape, float[] Values, string DType = "F32");

    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        var data = new MemoryStream();
        var b = new byte[4];
        foreach (var (name, t) in tensors)
        {
            long begin = data.Length;
            foreach (var v in t.Values)
            {
                switch (t.DType)
                {
                    case "F32": BinaryPrimitives.WriteSingleLittleEndian(b, v); data.Write(b, 0, 4); break;
                    case "F16": BinaryPrimitives.WriteHalfLittleEndian(b, (Half)v); data.Write(b, 0, 2); break;
                    case "BF16": BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(BitConverter.SingleToInt32Bits(v) >>> 16)); data.Write(b, 0, 2); break;
                    default: throw new ArgumentException(t.DType);
                }
            }
            header[name] = new { dtype = t.DType, shape = t.Shape, data_offsets = new[] { begin, data.Length } };
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var f = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)json.Length);
        f.Write(len);
        f.Write(json);
        data.Position = 0;
        data.CopyTo(f);
    }

    /// <summary>Random weights under XLM-R's names: vocab × d embeddings, maxPositions rows, <paramref name="layers"/> layers.</summary>
    public static Dictionary<string, Tensor> Create(int vocab, int d, int ffn, int layers, int maxPositions, int seed = 1, string prefix = "")
    {
        var rng = new Random(seed);
        Tensor R(params long[] shape)
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            return new Tensor(shape, Enumerable.Range(0, (int)n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.1f).ToArray());
        }
        var t = new Dictionary<string, Tensor>
        {
            [prefix + "embeddings.word_embeddings.weight"] = R(vocab, d),
            [prefix + "embeddings.position_embeddings.weight"] = R(maxPositions, d),
            [prefix + "embeddings.token_type_embeddings.weight"] = R(1, d),
            [prefix + "embeddings.LayerNorm.weight"] = R(d),
            [prefix + "embeddings.LayerNorm.bias"] = R(d),
        };
        for (int i = 0; i < layers; i++)
        {
            string s = $"{prefix}encoder.layer.{i}";
            foreach (var m in new[] { "query", "key", "value" })
            {
                t[$"{s}.attention.self.{m}.weight"] = R(d, d);
                t[$"{s}.attention.self.{m}.bias"] = R(d);
            }
            t[$"{s}.attention.output.dense.weight"] = R(d, d);
            t[$"{s}.attention.output.dense.bias"] = R(d);
            t[$"{s}.attention.output.LayerNorm.weight"] = R(d);
            t[$"{s}.attention.output.LayerNorm.bias"] = R(d);
            t[$"{s}.intermediate.dense.weight"] = R(ffn, d);
            t[$"{s}.intermediate.dense.bias"] = R(ffn);
            t[$"{s}.output.dense.weight"] = R(d, ffn);
            t[$"{s}.output.dense.bias"] = R(d);
            t[$"{s}.output.LayerNorm.weight"] = R(d);
            t[$"{s}.output.LayerNorm.bias"] = R(d);
        }
        return t;
    }
}
