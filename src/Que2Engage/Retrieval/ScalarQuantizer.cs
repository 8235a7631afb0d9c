using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Que2Engage.Retrieval;

/// <summary>How an HNSW index stores the vectors its graph walk compares.</summary>
public enum VectorQuantization
{
    /// <summary>The walk compares float32 vectors.</summary>
    None = 0,
    /// <summary>The walk compares 8-bit codes (per-dimension ranges); the final candidates are re-ranked on the float vectors.</summary>
    Int8 = 1,
}

/// <summary>
/// Per-dimension scalar quantisation to 8 bits: coordinate d is stored as code = round((x − low[d]) / scale[d]) in
/// 0..255, with low/scale fitted to the min/max of that dimension over the data. Per-dimension ranges (rather than one
/// global range) keep the precision of dimensions with a narrow spread and handle an unnormalised extra coordinate
/// (the engagement prior) on its own scale. Written here because no .NET quantisation library is on the package source.
/// <para>
/// Inner products: q·x ≈ Σ q[d]·low[d] + Σ (q[d]·scale[d])·code[d]. The query's weights q[d]·scale[d] are turned into
/// int16 once per query, so the walk's comparison is an integer dot product of bytes with int16 (AVX2 vpmovzxbw +
/// vpmaddwd, 16 coordinates per step) on a quarter of the float vectors' memory traffic. Codes are stored with a row
/// stride rounded up to 16 bytes (zero padding), so the loop has no tail.
/// </para>
/// </summary>
public sealed class ScalarQuantizer
{
    public const int Alignment = 16;

    private byte[] _codes;

    public ScalarQuantizer(float[] low, float[] scale, int capacity)
    {
        Dimension = low.Length;
        Stride = StrideOf(Dimension);
        Low = low;
        Scale = scale;
        _codes = new byte[(long)Math.Max(1, capacity) * Stride];
        // The query weights are scaled so that |Σ q·code| ≤ 255 · Stride · QueryMax fits an int32.
        QueryMax = (int)Math.Min(short.MaxValue, (int.MaxValue - 1) / (255L * Stride));
    }

    public int Dimension { get; }
    /// <summary>Bytes per code row (the dimension rounded up to <see cref="Alignment"/>).</summary>
    public int Stride { get; }
    public float[] Low { get; }
    public float[] Scale { get; }
    public int Count { get; private set; }
    public int QueryMax { get; }
    public byte[] Codes => _codes;

    public static int StrideOf(int dimension) => (dimension + Alignment - 1) / Alignment * Alignment;

    /// <summary>Fits per-dimension ranges to rows 0..count-1 of <paramref name="data"/> (row-major) and encodes them.</summary>
    public static ScalarQuantizer Fit(ReadOnlySpan<float> data, int dimension, int count, int capacity)
    {
        var low = new float[dimension];
        var high = new float[dimension];
        if (count == 0) { Array.Fill(low, -1f); Array.Fill(high, 1f); }
        else
        {
            data[..dimension].CopyTo(low);
            data[..dimension].CopyTo(high);
            for (int i = 1; i < count; i++)
            {
                var row = data.Slice(i * dimension, dimension);
                for (int d = 0; d < dimension; d++)
                {
                    float x = row[d];
                    if (x < low[d]) low[d] = x;
                    if (x > high[d]) high[d] = x;
                }
            }
        }
        var scale = new float[dimension];
        for (int d = 0; d < dimension; d++) scale[d] = (high[d] - low[d]) / 255f;
        var q = new ScalarQuantizer(low, scale, Math.Max(capacity, count));
        for (int i = 0; i < count; i++) q.Add(data.Slice(i * dimension, dimension));
        return q;
    }

    /// <summary>Encodes one more row (values outside the fitted range are clamped).</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        long needed = (long)(Count + 1) * Stride;
        if (needed > _codes.Length)
        {
            long grown = Math.Max(needed, (long)_codes.Length * 2);
            if (grown > Array.MaxLength) grown = needed;
            Array.Resize(ref _codes, checked((int)grown));
        }
        Encode(vector, _codes.AsSpan(Count * Stride, Stride));
        return Count++;
    }

    /// <summary>Declares rows 0..count-1 of <see cref="Codes"/> filled (after a bulk read into it).</summary>
    public void SetFilledCount(int count)
    {
        if (count < 0 || (long)count * Stride > _codes.Length) throw new ArgumentOutOfRangeException(nameof(count));
        Count = count;
    }

    public void Encode(ReadOnlySpan<float> vector, Span<byte> code)
    {
        code.Clear();
        for (int d = 0; d < Dimension; d++)
        {
            float s = Scale[d];
            float c = s > 0 ? MathF.Round((vector[d] - Low[d]) / s) : 0f;
            code[d] = (byte)Math.Clamp(c, 0f, 255f);
        }
    }

    /// <summary>
    /// The integer weights of <paramref name="query"/> (length <see cref="Stride"/>, zero padded) and the affine map back to
    /// an inner product: q·x ≈ <paramref name="offset"/> + <paramref name="factor"/> · Dot(weights, code).
    /// </summary>
    public void PrepareQuery(ReadOnlySpan<float> query, Span<short> weights, out float factor, out float offset)
    {
        float max = 0;
        double off = 0;
        for (int d = 0; d < Dimension; d++)
        {
            max = Math.Max(max, MathF.Abs(query[d] * Scale[d]));
            off += (double)query[d] * Low[d];
        }
        float s = max > 0 ? QueryMax / max : 1f;
        weights.Clear();
        for (int d = 0; d < Dimension; d++) weights[d] = (short)MathF.Round(query[d] * Scale[d] * s);
        factor = 1f / s;
        offset = (float)off;
    }

    /// <summary>Σ code[i] · weights[i] over one row (both of length <see cref="Stride"/>, a multiple of 16).</summary>
    public static unsafe int Dot(ReadOnlySpan<byte> code, ReadOnlySpan<short> weights)
    {
        if (code.Length != weights.Length || code.Length % Alignment != 0)
            throw new ArgumentException($"a code row and the query weights must have one length, a multiple of {Alignment}.");
        fixed (byte* c = code)
        fixed (short* w = weights)
            return Dot(c, w, code.Length);
    }

    /// <summary>Σ code[i] · weights[i] over one row (<paramref name="stride"/> a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe int Dot(byte* code, short* weights, int stride)
    {
        if (Avx2.IsSupported)
        {
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            int i = 0;
            for (; i + 32 <= stride; i += 32)
            {
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(code + i), Avx.LoadVector256(weights + i)));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(code + i + 16), Avx.LoadVector256(weights + i + 16)));
            }
            if (i < stride)
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(code + i), Avx.LoadVector256(weights + i)));
            return Vector256.Sum(Avx2.Add(acc0, acc1));
        }
        int sum = 0;
        for (int i = 0; i < stride; i++) sum += code[i] * weights[i];
        return sum;
    }
}
