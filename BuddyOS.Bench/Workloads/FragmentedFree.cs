using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Runtime.InteropServices;
using BuddyOS.TestSupport.Allocators;

namespace BuddyOS.Bench.Workloads;

/// <summary>Nanoseconds for one pass (mean over Repeats): allocating the pairs, and the two free sweeps.</summary>
public readonly record struct FragmentedFreeTrial(double AllocNs, double FreeNs, long FailedAllocations)
{
    public double TotalNs => AllocNs + FreeNs;
}

/// <summary>
/// benchmarks.md 4: allocate N pairs of minimum-size (16-byte) blocks, free every second block, then free
/// the rest. A buddy that finds a block's buddy by walking the free list pays O(free blocks) per free here
/// (quadratic overall); an O(1) buddy check stays linear. The pass is repeated Repeats times per trial so
/// small N still spans enough clock ticks.
/// </summary>
public sealed unsafe class FragmentedFree : IWorkload<FragmentedFreeTrial>
{
    public const nuint BlockSize = 16;
    public int Pairs { get; init; } = 100;
    public int Repeats { get; init; } = 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    public FragmentedFreeTrial Run<TAlloc>(ref TAlloc a) where TAlloc : struct, IBenchAllocator
    {
        int count = 2 * Pairs;
        var blocks = (byte**)NativeMemory.Alloc((nuint)count, (nuint)sizeof(byte*));
        long allocTicks = 0, freeTicks = 0, failed = 0;
        try
        {
            for (int r = 0; r < Repeats; r++)
            {
                a.Reset();
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++) blocks[i] = a.Alloc(BlockSize, 8);
                long t1 = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i += 2) if (blocks[i] != null) a.Free(blocks[i], BlockSize, 8);
                for (int i = 1; i < count; i += 2) if (blocks[i] != null) a.Free(blocks[i], BlockSize, 8);
                long t2 = Stopwatch.GetTimestamp();
                allocTicks += t1 - t0;
                freeTicks += t2 - t1;
                for (int i = 0; i < count; i++) if (blocks[i] == null) failed++;
            }
        }
        finally
        {
            NativeMemory.Free(blocks);
        }
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        return new FragmentedFreeTrial(allocTicks * nsPerTick / Repeats, freeTicks * nsPerTick / Repeats, failed);
    }
}
