using System.Runtime.CompilerServices;
using System.Diagnostics;
using BuddyOS.TestSupport.Allocators;
using BuddyOS.TestSupport.Support;

namespace BuddyOS.TestSupport.Workloads;

/// <summary>One trial of random actions: successful operations and the time they took.</summary>
public readonly record struct RandomActionsTrial(long Successes, long FailedAllocations, long Actions, double Seconds, int BumpRefills)
{
    public double OpsPerSecond => Seconds > 0 ? Successes / Seconds : 0;
}

/// <summary>
/// talc's random_actions (benchmarks.md 1). Batches of 100 actions: a = rand(0..=6) (0..=5 without realloc);
/// a == 6 reallocates a random live block to rand(1 .. 3*max); a &lt; 3 or fewer than 300 live blocks
/// allocates; otherwise a random live block is freed (swap-remove). Size = rand(4 .. rand(16 .. max)),
/// alignment = 8 &lt;&lt; (tzcnt(rand_u16) / 2). Score: successful operations per second; a failed
/// allocation or reallocation is not a success and the run continues.
/// A trial starts from an empty heap, runs WarmupMs uncounted then MeasureMs counted (or exactly
/// FixedActions actions when set, for probes and --quick). The bump heap cannot reuse memory, so when it
/// runs out the clock pauses, every live block is freed (the only way it reclaims) and the clock resumes:
/// its score is its speed while it has room, the ceiling the others are held against.
/// </summary>
public sealed unsafe class RandomActions : IWorkload<RandomActionsTrial>
{
    public ulong MaxSize { get; init; } = 200;
    public bool WithRealloc { get; init; } = true;
    public ulong Seed { get; init; } = 1;
    public double WarmupMs { get; init; } = 2;
    public double MeasureMs { get; init; } = 200;
    public long FixedActions { get; init; }

    public RandomActionsTrial Run<TAlloc>(ref TAlloc a) where TAlloc : struct, IBenchAllocator
    {
        a.Reset();
        var live = new LiveBlocks();
        var rng = new Rng(Seed);
        var counters = new Counters();
        if (FixedActions > 0)
        {
            long start = Stopwatch.GetTimestamp();
            while (counters.Actions < FixedActions)
            {
                Batch(ref a, live, ref rng, ref counters);
                if (counters.BumpExhausted)
                {
                    live.Drain(ref a);
                    counters.BumpExhausted = false;
                    counters.Refills++;
                }
            }
            double s = Stopwatch.GetElapsedTime(start).TotalSeconds;
            live.Drain(ref a);
            return new RandomActionsTrial(counters.Successes, counters.Failures, counters.Actions, s, counters.Refills);
        }

        Phase(ref a, live, ref rng, ref counters, WarmupMs);
        counters = new Counters();
        double seconds = Phase(ref a, live, ref rng, ref counters, MeasureMs);
        live.Drain(ref a);
        return new RandomActionsTrial(counters.Successes, counters.Failures, counters.Actions, seconds, counters.Refills);
    }

    private struct Counters
    {
        public long Successes, Failures, Actions;
        public int Refills;
        public bool BumpExhausted;
    }

    /// <summary>Runs batches for ms milliseconds of counted time; returns the counted seconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    private double Phase<TAlloc>(ref TAlloc a, LiveBlocks live, ref Rng rng, ref Counters c, double ms)
        where TAlloc : struct, IBenchAllocator
    {
        long budget = (long)(ms * Stopwatch.Frequency / 1000.0);
        long start = Stopwatch.GetTimestamp();
        long paused = 0;
        long now = start;
        while (now - start - paused < budget)
        {
            Batch(ref a, live, ref rng, ref c);
            now = Stopwatch.GetTimestamp();
            if (c.BumpExhausted)
            {
                live.Drain(ref a);
                c.BumpExhausted = false;
                c.Refills++;
                long resumed = Stopwatch.GetTimestamp();
                paused += resumed - now;
                now = resumed;
            }
        }
        return (now - start - paused) / (double)Stopwatch.Frequency;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    private void Batch<TAlloc>(ref TAlloc a, LiveBlocks live, ref Rng rng, ref Counters c)
        where TAlloc : struct, IBenchAllocator
    {
        ulong actionsRange = WithRealloc ? 7UL : 6UL;
        ulong max = MaxSize;
        for (int n = 0; n < 100; n++)
        {
            ulong action = rng.Below(actionsRange);
            if (action == 6 && live.Count > 0)
            {
                int i = (int)rng.Below((ulong)live.Count);
                nuint newSize = (nuint)rng.Range(1, 3 * max);
                byte* p = a.Realloc(live.Ptr[i], live.Size[i], newSize, live.Align[i]);
                if (p != null) { live.Resized(i, p, newSize); c.Successes++; }
                else
                {
                    c.Failures++;
                    if (a.ReclaimsOnlyWhenEmpty) c.BumpExhausted = true;
                }
            }
            else if (action < 3 || live.Count < 300)
            {
                nuint size = Requests.Size(ref rng, max);
                nuint align = Requests.Alignment(ref rng);
                byte* p = a.Alloc(size, align);
                if (p != null) { live.Add(p, size, align); c.Successes++; }
                else
                {
                    c.Failures++;
                    if (a.ReclaimsOnlyWhenEmpty) c.BumpExhausted = true;
                }
            }
            else
            {
                int i = (int)rng.Below((ulong)live.Count);
                a.Free(live.Ptr[i], live.Size[i], live.Align[i]);
                live.RemoveAt(i);
                c.Successes++;
            }
        }
        c.Actions += 100;
    }
}
