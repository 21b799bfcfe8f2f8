using System.Runtime.CompilerServices;
using BuddyOS.TestSupport.Allocators;
using BuddyOS.Bench.Support;

namespace BuddyOS.Bench.Workloads;

/// <summary>Live requested bytes / heap size at the first failure, one entry per round.</summary>
public sealed record HeapEfficiencyResult(double[] Fractions, long Operations)
{
    public double Mean => Fractions.Length == 0 ? 0 : Fractions.Average();
    public double Min => Fractions.Length == 0 ? 0 : Fractions.Min();
    public double Max => Fractions.Length == 0 ? 0 : Fractions.Max();
}

/// <summary>
/// talc's heap_efficiency (benchmarks.md 2). Each round starts from an empty heap and loops a = rand(0..=9):
/// 0-4 allocate (size generator, max 10000; alignment generator), 5 frees a random live block, 6-9
/// reallocates a random live block to rand(1 .. 100000). With no live block every action allocates. The
/// round stops at the first failed allocation or reallocation and records live requested bytes / heap size.
/// </summary>
public sealed unsafe class HeapEfficiency : IWorkload<HeapEfficiencyResult>
{
    public int Rounds { get; init; } = 300;
    public ulong Seed { get; init; } = 7;
    public nuint HeapSize { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // fully optimised from the first call: no tier-0 or OSR code in a trial
    public HeapEfficiencyResult Run<TAlloc>(ref TAlloc a) where TAlloc : struct, IBenchAllocator
    {
        var fractions = new double[Rounds];
        long ops = 0;
        var live = new LiveBlocks();
        for (int round = 0; round < Rounds; round++)
        {
            a.Reset();
            var rng = new Rng(Seed * 1_000_003 + (ulong)round);
            while (true)
            {
                ulong action = rng.RangeInclusive(0, 9);
                ops++;
                if (action <= 4 || live.Count == 0)
                {
                    nuint size = Requests.Size(ref rng, 10000);
                    nuint align = Requests.Alignment(ref rng);
                    byte* p = a.Alloc(size, align);
                    if (p == null) break;
                    live.Add(p, size, align);
                }
                else if (action == 5)
                {
                    int i = (int)rng.Below((ulong)live.Count);
                    a.Free(live.Ptr[i], live.Size[i], live.Align[i]);
                    live.RemoveAt(i);
                }
                else
                {
                    int i = (int)rng.Below((ulong)live.Count);
                    nuint newSize = (nuint)rng.Range(1, 100000);
                    byte* p = a.Realloc(live.Ptr[i], live.Size[i], newSize, live.Align[i]);
                    if (p == null) break;
                    live.Resized(i, p, newSize);
                }
            }
            fractions[round] = live.RequestedBytes / (double)HeapSize;
            live.Drain(ref a);
        }
        return new HeapEfficiencyResult(fractions, ops);
    }
}
