using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Que2Engage.Retrieval;

namespace Que2Engage.Benchmarks;

/// <summary>
/// Minimal NumPy .npy (format 1.0) reader/writer for 2-D little-endian float32 and int32 matrices, so benchmark
/// vectors and ground truth can be shared with Python reference implementations (numpy.load) byte for byte.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    public static void WriteFloat32(string path, float[] data, int rows, int cols) => Write(path, MemoryMarshal.AsBytes(data.AsSpan(0, rows * cols)), "<f4", rows, cols);
    public static void WriteInt32(string path, int[] data, int rows, int cols) => Write(path, MemoryMarshal.AsBytes(data.AsSpan(0, rows * cols)), "<i4", rows, cols);

    private static void Write(string path, ReadOnlySpan<byte> payload, string descr, int rows, int cols)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int total = Magic.Length + 2 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        using var f = File.Create(path);
        f.Write(Magic);
        f.Write(BitConverter.GetBytes((ushort)header.Length));
        f.Write(Encoding.ASCII.GetBytes(header));
        f.Write(payload);
    }

    public static (float[] Data, int Rows, int Cols) ReadFloat32(string path)
    {
        var (bytes, offset, rows, cols) = Read(path, "<f4");
        var data = new float[rows * cols];
        bytes.AsSpan(offset, data.Length * 4).CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
        return (data, rows, cols);
    }

    public static (int[] Data, int Rows, int Cols) ReadInt32(string path)
    {
        var (bytes, offset, rows, cols) = Read(path, "<i4");
        var data = new int[rows * cols];
        bytes.AsSpan(offset, data.Length * 4).CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
        return (data, rows, cols);
    }

    private static (byte[] Bytes, int Offset, int Rows, int Cols) Read(string path, string descr)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: file not found.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)) || bytes[6] != 1)
            throw new InvalidInputException($"{path}: not a version-1 .npy file.");
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        var header = Encoding.ASCII.GetString(bytes, 10, Math.Min(headerLength, bytes.Length - 10));
        var m = ShapePattern().Match(header);
        if (!header.Contains($"'{descr}'") || header.Contains("'fortran_order': True") || !m.Success)
            throw new InvalidInputException($"{path}: expected a C-order 2-D {descr} array, header is {header.Trim()}.");
        int rows = int.Parse(m.Groups[1].Value), cols = int.Parse(m.Groups[2].Value);
        int offset = 10 + headerLength;
        if (bytes.Length != offset + (long)rows * cols * 4)
            throw new InvalidInputException($"{path}: {bytes.Length - offset} data bytes for a {rows}×{cols} array.");
        return (bytes, offset, rows, cols);
    }

    [GeneratedRegex(@"'shape':\s*\((\d+),\s*(\d+)\)")]
    private static partial Regex ShapePattern();
}
