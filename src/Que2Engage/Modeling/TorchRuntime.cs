using System.Runtime.InteropServices;
using TorchSharp;

namespace Que2Engage.Modeling;

/// <summary>
/// Process-wide libtorch settings. libtorch's bundled OpenMP (libgomp) busy-waits between parallel regions by
/// default; on a 2-core machine shared with other work that spinning steals the cores the other thread needs
/// (measured: training at 2 threads fell to 78 examples/s vs 168 with OMP_WAIT_POLICY=PASSIVE, see BENCHMARKS.md).
/// libgomp reads the variable once, when libtorch is loaded, and .NET's Environment.SetEnvironmentVariable does not
/// reach the native environment on Unix — so it is set with libc setenv, before the first torch call, without
/// overriding a value the user chose. Call <see cref="Configure"/> before anything touches <c>torch</c>.
/// </summary>
public static class TorchRuntime
{
    private static int _environmentSet;
    private static int _threads;

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets the OpenMP wait policy (first call only, Linux/macOS; no effect once libtorch is loaded).</summary>
    public static void PrepareEnvironment()
    {
        if (Interlocked.Exchange(ref _environmentSet, 1) == 0 && (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            try { SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
    }

    /// <summary><see cref="PrepareEnvironment"/>, then libtorch's intra-op threads (0 = the machine's cores).</summary>
    public static void Configure(int threads)
    {
        PrepareEnvironment();
        int n = threads > 0 ? threads : Environment.ProcessorCount;
        Volatile.Write(ref _threads, n);
        if (torch.get_num_threads() != n) torch.set_num_threads(n);
    }

    /// <summary>
    /// Gives the calling thread the intra-op thread count of the last <see cref="Configure"/> (no-op before it).
    /// libtorch keeps that count in OpenMP's per-thread state, and a thread that never set it starts with one OpenMP
    /// thread per core: a server embedding queries on thread-pool threads would otherwise run each tiny forward as a
    /// 2-thread parallel region competing with the other requests (measured in BENCHMARKS.md, "batching off").
    /// </summary>
    public static void ApplyToCurrentThread()
    {
        int n = Volatile.Read(ref _threads);
        if (n > 0 && torch.get_num_threads() != n) torch.set_num_threads(n);
    }
}
