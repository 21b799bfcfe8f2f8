using System.Runtime.CompilerServices;
using System.Diagnostics;
using BuddyOS.TestSupport.Allocators;

namespace BuddyOS.Bench.Workloads;

/// <summary>Nanoseconds per unit of work (per object, per list or per iteration) and failures seen.</summary>
public readonly record struct SeedTrial(double NsPerUnit, long Failures, long Units);

public enum SeedKind
{
    /// <summary>Box::new(5): allocate one 8-byte object, write it, read it, free it.</summary>
    SmallObject,
    /// <summary>A Vec of 8-byte elements pushed to Elements: capacity starts at 4 and doubles by realloc.</summary>
    GrowingList,
    /// <summary>heap-size iterations of a short-lived 8-byte box.</summary>
    ManyShortLived,
    /// <summary>The same, while one long-lived box stays allocated (defeats a bump allocator).</summary>
    ManyAroundLongLived,
    /// <summary>48-byte churn: a ring of 64 live 48-byte blocks, each step frees the oldest and allocates one.</summary>
    Churn48,
}

/// <summary>
/// The seed workloads (benchmarks.md 5), after the heap tests kernel tutorials ship (simple allocation,
/// large vec, many boxes, many boxes long-lived). Iterations is the number of objects, lists or loop turns.
/// </summary>
public sealed unsafe class SeedWorkload : IWorkload<SeedTrial>
{
    public SeedKind Kind { get; init; }
    public long Iterations { get; init; }
    public int Elements { get; init; } = 500;

    /// <summary>Boxes and lists hold their own values and check them (a failed check counts as a failure).</summary>
    public bool WritesBlockContents => true;

    public SeedTrial Run<TAlloc>(ref TAlloc a) where TAlloc : struct, IBenchAllocator
    {
        a.Reset();
        long failures = 0;
        long start = Stopwatch.GetTimestamp();
        switch (Kind)
        {
            case SeedKind.SmallObject:
            case SeedKind.ManyShortLived:
                failures = Boxes(ref a, Iterations);
                break;
            case SeedKind.ManyAroundLongLived:
            {
                var longLived = (long*)a.Alloc(8, 8);
                if (longLived == null) { failures++; break; }
                *longLived = 1;
                failures = Boxes(ref a, Iterations);
                if (*longLived != 1) failures++;
                a.Free((byte*)longLived, 8, 8);
                break;
            }
            case SeedKind.GrowingList:
                for (long r = 0; r < Iterations; r++) failures += GrowList(ref a, Elements);
                break;
            case SeedKind.Churn48:
                failures = Churn(ref a, Iterations);
                break;
        }
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        return new SeedTrial(ns / Iterations, failures, Iterations);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    private static long Boxes<TAlloc>(ref TAlloc a, long iterations) where TAlloc : struct, IBenchAllocator
    {
        long failures = 0;
        for (long i = 0; i < iterations; i++)
        {
            var box = (long*)a.Alloc(8, 8);
            if (box == null) { failures++; continue; }
            *box = i;
            if (*box != i) failures++;
            a.Free((byte*)box, 8, 8);
        }
        return failures;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    private static long Churn<TAlloc>(ref TAlloc a, long iterations) where TAlloc : struct, IBenchAllocator
    {
        const int Ring = 64;
        long* ring = stackalloc long[Ring];
        for (int i = 0; i < Ring; i++) ring[i] = 0;
        long failures = 0;
        for (long i = 0; i < iterations; i++)
        {
            long* old = (long*)ring[i & (Ring - 1)];
            if (old != null)
            {
                if (*old != i - Ring) failures++;
                a.Free((byte*)old, 48, 8);
            }
            var block = (long*)a.Alloc(48, 8);
            if (block == null) failures++;
            else *block = i;
            ring[i & (Ring - 1)] = (long)block;
        }
        for (int i = 0; i < Ring; i++)
            if (ring[i] != 0) a.Free((byte*)ring[i], 48, 8);
        return failures;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    private static long GrowList<TAlloc>(ref TAlloc a, int elements) where TAlloc : struct, IBenchAllocator
    {
        nuint capacity = 4;
        var items = (long*)a.Alloc(capacity * 8, 8);
        if (items == null) return 1;
        for (int n = 0; n < elements; n++)
        {
            if ((nuint)n == capacity)
            {
                var grown = (long*)a.Realloc((byte*)items, capacity * 8, capacity * 16, 8);
                if (grown == null) { a.Free((byte*)items, capacity * 8, 8); return 1; }
                items = grown;
                capacity *= 2;
            }
            items[n] = n;
        }
        long failures = 0;
        for (int n = 0; n < elements; n++) if (items[n] != n) { failures = 1; break; } // realloc kept the prefix
        a.Free((byte*)items, capacity * 8, 8);
        return failures;
    }
}
