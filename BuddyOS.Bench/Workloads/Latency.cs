using System.Runtime.CompilerServices;
using BuddyOS.TestSupport.Allocators;
using BuddyOS.Bench.Support;

namespace BuddyOS.Bench.Workloads;

/// <summary>Per-operation clock ticks (see Clock) of every timed allocation and free.</summary>
public sealed record LatencySamples(ulong[] Alloc, ulong[] Free, long FailedAllocations);

/// <summary>
/// talc's microbench (benchmarks.md 3). Warm up with 10,000 alloc/free pairs of i*8 bytes; then allocate
/// Allocations blocks with the size generator (max 0x8000, alignment 8); once more than 50 blocks are live,
/// with probability 1/10 (always above 600 live) free 8 random blocks. Each allocation and each free is
/// timed on its own with Clock.Begin/End; the samples include the clock's own overhead (reported apart).
/// The bump heap is drained (untimed) when it runs out, as in random actions.
/// </summary>
public sealed unsafe class Latency : IWorkload<LatencySamples>
{
    public int Allocations { get; init; } = 50_000;
    public ulong Seed { get; init; } = 3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    public LatencySamples Run<TAlloc>(ref TAlloc a) where TAlloc : struct, IBenchAllocator
    {
        a.Reset();
        for (nuint i = 1; i <= 10_000; i++)
        {
            byte* w = a.Alloc(i * 8, 8);
            if (w != null) a.Free(w, i * 8, 8);
        }

        var allocTicks = new ulong[Allocations];
        var freeTicks = new ulong[Allocations + 8];
        int nAlloc = 0, nFree = 0;
        long failed = 0;
        var live = new LiveBlocks();
        var rng = new Rng(Seed);
        for (int n = 0; n < Allocations; n++)
        {
            nuint size = Requests.Size(ref rng, 0x8000);
            ulong t0 = Clock.Begin();
            byte* p = a.Alloc(size, 8);
            ulong t1 = Clock.End();
            if (p != null)
            {
                allocTicks[nAlloc++] = t1 - t0;
                live.Add(p, size, 8);
            }
            else
            {
                failed++;
                if (a.ReclaimsOnlyWhenEmpty) live.Drain(ref a); // untimed: the bump heap's only way to reclaim
            }

            if (live.Count > 50 && (live.Count > 600 || rng.Below(10) == 0))
            {
                for (int k = 0; k < 8; k++)
                {
                    int i = (int)rng.Below((ulong)live.Count);
                    byte* q = live.Ptr[i];
                    nuint qs = live.Size[i];
                    ulong f0 = Clock.Begin();
                    a.Free(q, qs, 8);
                    ulong f1 = Clock.End();
                    live.RemoveAt(i);
                    if (nFree < freeTicks.Length) freeTicks[nFree++] = f1 - f0;
                }
            }
        }
        live.Drain(ref a);
        return new LatencySamples(allocTicks[..nAlloc], freeTicks[..nFree], failed);
    }

    /// <summary>The clock's own cost: an empty Begin/End pair, same shape as a timed call.</summary>
    public static ulong[] Overhead(int samples)
    {
        var t = new ulong[samples];
        for (int i = 0; i < samples; i++)
        {
            ulong t0 = Clock.Begin();
            ulong t1 = Clock.End();
            t[i] = t1 - t0;
        }
        return t;
    }
}
