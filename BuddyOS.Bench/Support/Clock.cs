using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BuddyOS.Bench.Support;

/// <summary>
/// The finest per-operation clock available. On x86-64 Linux with rdtscp it is the CPU timestamp counter,
/// read by two tiny machine-code stubs placed in an executable page (`lfence; rdtsc` before,
/// `rdtscp; lfence` after, as the peers' microbench does) and called without a GC transition. Otherwise
/// it is Stopwatch.GetTimestamp (clock_gettime, nanoseconds). Name says which one a run used.
/// </summary>
public static unsafe class Clock
{
    private static delegate* unmanaged[SuppressGCTransition]<ulong> s_begin;
    private static delegate* unmanaged[SuppressGCTransition]<ulong> s_end;

    public static bool UsesTsc { get; private set; }
    public static string Name => UsesTsc ? "TSC (lfence;rdtsc / rdtscp;lfence)" : "Stopwatch.GetTimestamp";
    /// <summary>Ticks per nanosecond, calibrated against Stopwatch.</summary>
    public static double TicksPerNs { get; private set; } = Stopwatch.Frequency / 1e9;

    public static void Initialize(bool allowTsc)
    {
        UsesTsc = false;
        TicksPerNs = Stopwatch.Frequency / 1e9;
        if (!allowTsc || !TrySetUpTsc()) return;
        UsesTsc = true;
        // Calibrate over ~30 ms.
        long s0 = Stopwatch.GetTimestamp();
        ulong t0 = s_begin();
        while (Stopwatch.GetTimestamp() - s0 < Stopwatch.Frequency / 33) { }
        ulong t1 = s_end();
        long s1 = Stopwatch.GetTimestamp();
        double ns = (s1 - s0) * 1e9 / Stopwatch.Frequency;
        TicksPerNs = (t1 - t0) / ns;
    }

    /// <summary>
    /// The smallest step the clock is seen to advance by (ticks): a virtualised TSC may tick coarsely, and
    /// every percentile is quantised to it.
    /// </summary>
    public static ulong Granularity()
    {
        ulong best = ulong.MaxValue;
        for (int i = 0; i < 100_000; i++)
        {
            ulong a = Begin(), b = Begin();
            while (b == a) b = Begin();
            if (b - a < best) best = b - a;
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Begin() => UsesTsc ? s_begin() : (ulong)Stopwatch.GetTimestamp();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong End() => UsesTsc ? s_end() : (ulong)Stopwatch.GetTimestamp();

    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect")]
    private static extern int Mprotect(nint addr, nuint length, int prot);

    private static bool TrySetUpTsc()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            string cpuinfo = File.ReadAllText("/proc/cpuinfo");
            if (!cpuinfo.Contains(" rdtscp") || !cpuinfo.Contains(" constant_tsc")) return false;
            nint page = Mmap(0, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (page == -1 || page == 0) return false;
            byte[] code =
            {
                // begin: lfence; rdtsc; shl rdx, 32; or rax, rdx; ret
                0x0F, 0xAE, 0xE8, 0x0F, 0x31, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3,
                0xCC, 0xCC, 0xCC,
                // end: rdtscp; lfence; shl rdx, 32; or rax, rdx; ret
                0x0F, 0x01, 0xF9, 0x0F, 0xAE, 0xE8, 0x48, 0xC1, 0xE2, 0x20, 0x48, 0x09, 0xD0, 0xC3,
            };
            code.CopyTo(new Span<byte>((void*)page, code.Length));
            if (Mprotect(page, 4096, ProtRead | ProtExec) != 0) return false;
            s_begin = (delegate* unmanaged[SuppressGCTransition]<ulong>)page;
            s_end = (delegate* unmanaged[SuppressGCTransition]<ulong>)(page + 16);
            ulong a = s_begin(), b = s_end();
            return b >= a;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
