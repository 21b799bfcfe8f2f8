using BuddyOS.TestSupport.Allocators;
using BuddyOS.Bench.Workloads;

namespace BuddyOS.Bench;

/// <summary>
/// Runs one workload on one allocator for a while, so a profiler sees nothing else:
///   DOTNET_PerfMapEnabled=1 perf record -g dotnet BuddyOS.Bench.dll --profile random200 buddy 5
/// Workloads: random200 (random actions, max 200, realloc), random3000, random10000, random10000n (no realloc), boxes (short-lived boxes on an
/// empty heap: full split and merge), longlived (boxes next to a long-lived one: no merge).
/// Allocators: buddy (default), pure (the pure buddy), textbook, bump, glibc, null (the harness alone: see NullAllocator).
/// `--profile breakdown` times BuddyOS.Heap's operations one by one against the textbook buddy's.
/// </summary>
public static unsafe class Profile
{
    /// <summary>Nanoseconds per iteration of each heap operation in isolation, BuddyOS.Heap vs the textbook buddy.</summary>
    private static int Breakdown()
    {
        using var region = new NativeRegion(Runner.KernelHeapSize);
        using var region2 = new NativeRegion(Runner.KernelHeapSize);
        var buddy = BuddyAllocator<BuddyOS.Heap.BuddyHeap, LayeredKind>.Create(region);
        var textbook = TextbookBuddyAllocator.Create(region2);
        BuddyOS.Heap.BuddyHeap heap = buddy.Heap;
        var tb = textbook.Heap;
        const int N = 5_000_000;
        double Time(Action body)
        {
            body();
            var best = double.MaxValue;
            for (int r = 0; r < 5; r++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                body();
                best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalNanoseconds / N);
            }
            return best;
        }
        // Three live 16 B blocks at 0, 16, 32 leave 48 free, whose buddy (32) is live: no split, no merge.
        byte* keep = heap.Allocate(16, 8), probe = heap.Allocate(16, 8), pin = heap.Allocate(16, 8);
        byte* keepTb = tb.Allocate(16, 8), probeTb = tb.Allocate(16, 8), pinTb = tb.Allocate(16, 8);
        Console.WriteLine($"alloc+free 16 B, buddy live (no merge):    BuddyOS.Heap {Time(() => { for (int i = 0; i < N; i++) heap.Free(heap.Allocate(16, 8)); }),6:F1} ns   textbook {Time(() => { for (int i = 0; i < N; i++) tb.Free(tb.Allocate(16, 8), 16, 8); }),6:F1} ns");
        Console.WriteLine($"locate a live 16 B block (TryGetUsableSize): BuddyOS.Heap {Time(() => { for (int i = 0; i < N; i++) heap.TryGetUsableSize(probe, out _); }),6:F1} ns");
        Console.WriteLine($"realloc 16 B -> 16 B in place:              BuddyOS.Heap {Time(() => { for (int i = 0; i < N; i++) heap.TryReallocate(probe, 12, out _); }),6:F1} ns");
        Console.WriteLine($"GetStatistics:                              BuddyOS.Heap {Time(() => { for (int i = 0; i < N; i++) heap.GetStatistics(); }),6:F1} ns");
        heap.Free(probe);
        heap.Free(keep);
        heap.Free(pin);
        tb.Free(keepTb, 16, 8);
        tb.Free(probeTb, 16, 8);
        tb.Free(pinTb, 16, 8);
        Console.WriteLine($"alloc+free 16 B on an empty 4 MiB heap (18 splits, 18 merges): BuddyOS.Heap {Time(() => { for (int i = 0; i < N / 10; i++) heap.Free(heap.Allocate(16, 8)); }) * 10,6:F1} ns   textbook {Time(() => { for (int i = 0; i < N / 10; i++) tb.Free(tb.Allocate(16, 8), 16, 8); }) * 10,6:F1} ns");

        // The same two loops on a pure buddy created without exact requested sizes (no slack store).
        using var region3 = new NativeRegion(Runner.KernelHeapSize);
        nuint leanBytes = BuddyOS.Heap.PureBuddyHeap.MetadataBytes(Runner.KernelHeapSize, BuddyOS.Heap.PureBuddyHeap.OrdersFor(Runner.KernelHeapSize));
        byte* leanMeta = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(leanBytes, 64);
        BuddyOS.Heap.PureBuddyHeap.TryCreate(region3.Start, region3.Size, BuddyOS.Heap.PureBuddyHeap.OrdersFor(region3.Size), leanMeta, leanBytes,
            out BuddyOS.Heap.PureBuddyHeap lean, exactRequestedBytes: false);
        byte* a = lean.Allocate(16, 8), b = lean.Allocate(16, 8), c = lean.Allocate(16, 8);
        Console.WriteLine($"exactRequestedBytes: false, alloc+free 16 B (no merge): {Time(() => { for (int i = 0; i < N; i++) lean.Free(lean.Allocate(16, 8)); }),6:F1} ns");
        lean.Free(a); lean.Free(b); lean.Free(c);
        Console.WriteLine($"exactRequestedBytes: false, alloc+free 16 B on an empty heap: {Time(() => { for (int i = 0; i < N / 10; i++) lean.Free(lean.Allocate(16, 8)); }) * 10,6:F1} ns");
        System.Runtime.InteropServices.NativeMemory.AlignedFree(leanMeta);
        buddy.Release();
        textbook.Release();
        return 0;
    }

    /// <summary>Heap efficiency alone (benchmarks.md 2), every allocator: the figure a change to block sizing moves.</summary>
    private static int Efficiency(int rounds, string? only)
    {
        using var set = new AllocatorSet(Runner.KernelHeapSize, isChecked: false, includeHarnessFloor: false);
        foreach (AllocatorSlot slot in set.Slots)
        {
            if (only != null && slot.Name != only) continue;
            HeapEfficiencyResult r = slot.Run(new HeapEfficiency { Rounds = rounds, HeapSize = Runner.KernelHeapSize });
            Console.WriteLine($"{slot.Name,-28} mean {r.Mean * 100,5:F1}%  min {r.Min * 100,5:F1}%  max {r.Max * 100,5:F1}%  ({rounds} rounds)");
        }
        return 0;
    }

    /// <summary>
    /// Where the heap goes at the first failure of talc's efficiency workload (BuddyOS.Heap alone, the same
    /// sequence as the benchmark): live requested bytes, rounding (held - requested), the object cache's idle
    /// bytes, free bytes and the longest free stretch, and what the failing request asked for.
    /// </summary>
    private static int EfficiencyWhy(int rounds)
    {
        using var region = new NativeRegion(Runner.KernelHeapSize);
        nuint metaBytes = BuddyOS.Heap.BuddyHeap.MetadataBytes(region.Size, BuddyOS.Heap.BuddyHeap.OrdersFor(region.Size));
        byte* meta = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(metaBytes, 64);
        double requested = 0, rounding = 0, cached = 0, free = 0, longest = 0, failedAlloc = 0, failedSize = 0;
        var live = new List<(nint P, nuint Size, nuint Align)>();
        for (int round = 0; round < rounds; round++)
        {
            BuddyOS.Heap.BuddyHeap.TryCreate(region.Start, region.Size, BuddyOS.Heap.BuddyHeap.OrdersFor(region.Size), meta, metaBytes,
                out BuddyOS.Heap.BuddyHeap heap);
            live.Clear();
            var rng = new BuddyOS.TestSupport.Support.Rng(7 * 1_000_003 + (ulong)round);
            nuint failed;
            bool wasAlloc;
            while (true)
            {
                ulong action = rng.RangeInclusive(0, 9);
                if (action <= 4 || live.Count == 0)
                {
                    nuint size = BuddyOS.TestSupport.Support.Requests.Size(ref rng, 10000);
                    nuint align = BuddyOS.TestSupport.Support.Requests.Alignment(ref rng);
                    byte* p = heap.Allocate(size, align);
                    if (p == null) { failed = size; wasAlloc = true; break; }
                    live.Add(((nint)p, size, align));
                }
                else if (action == 5)
                {
                    int i = (int)rng.Below((ulong)live.Count);
                    heap.Free((byte*)live[i].P);
                    live[i] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
                else
                {
                    int i = (int)rng.Below((ulong)live.Count);
                    nuint newSize = (nuint)rng.Range(1, 100000);
                    if (heap.TryReallocate((byte*)live[i].P, newSize, live[i].Align, out byte* p) != BuddyOS.Heap.HeapStatus.Ok)
                    { failed = newSize; wasAlloc = false; break; }
                    live[i] = ((nint)p, newSize, live[i].Align);
                }
            }
            BuddyOS.Heap.HeapStatistics st = heap.GetStatistics();
            double total = st.TotalBytes;
            requested += st.RequestedBytes / total;
            rounding += (st.HeldBytes - st.RequestedBytes) / total;
            cached += st.CachedBytes / total;
            free += st.FreeBytes / total;
            longest += LongestFreeStretch(ref heap) / total;
            failedAlloc += wasAlloc ? 1 : 0;
            failedSize += failed;
        }
        Console.WriteLine($"at the first failure, mean of {rounds} rounds, share of the heap: live requested {requested / rounds * 100:F1}%, " +
            $"rounding {rounding / rounds * 100:F1}%, object cache idle {cached / rounds * 100:F1}%, free {free / rounds * 100:F1}% " +
            $"(longest free stretch {longest / rounds * 100:F1}%); the failing request: an allocation in {failedAlloc / rounds * 100:F0}% of rounds, " +
            $"mean size {failedSize / rounds:F0} B");
        System.Runtime.InteropServices.NativeMemory.AlignedFree(meta);
        return 0;
    }

    private static nuint LongestFreeStretch(ref BuddyOS.Heap.BuddyHeap heap)
    {
        nuint longest = 0, run = 0;
        for (byte* p = heap.RegionStart; heap.TryFindBlock(p, out BuddyOS.Heap.HeapBlock b); p = b.End)
        {
            // A free slot of a slab is no free buddy block: only the buddy's free blocks make a stretch.
            run = b.IsFree && b.Order >= 0 ? run + b.Size : 0;
            if (run > longest) longest = run;
        }
        return longest;
    }

    public static int Run(string[] args)
    {
        string workload = args.Length > 0 ? args[0] : "random200";
        if (workload == "breakdown") return Breakdown();
        if (workload == "efficiency-why") return EfficiencyWhy(args.Length > 1 ? int.Parse(args[1]) : 300);
        if (workload == "efficiency") return Efficiency(args.Length > 1 ? int.Parse(args[1]) : 300, args.Length > 2 ? args[2] : null);
        string allocator = args.Length > 1 ? args[1] : "buddy";
        double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
        nuint heapSize = workload.StartsWith("random10000", StringComparison.Ordinal) ? 16u << 20 : Runner.KernelHeapSize;
        using var set = new AllocatorSet(heapSize, isChecked: false, includeHarnessFloor: true);
        AllocatorSlot slot = allocator == "null" ? set.HarnessFloor! : set.Slots.First(s => s.Name.StartsWith(allocator switch
        {
            "textbook" => "Textbook", "bump" => "Bump", "glibc" => "glibc", "pure" => "BuddyOS.Heap pure", _ => "BuddyOS",
        }, StringComparison.Ordinal));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long units = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            switch (workload)
            {
                case "random200":
                case "random3000":
                case "random10000":
                case "random10000n":
                    var r = slot.Run(new RandomActions { MaxSize = ulong.Parse(workload[6..].TrimEnd('n')), WithRealloc = !workload.EndsWith('n'), MeasureMs = 500 });
                    units += r.Successes;
                    break;
                case "boxes":
                    slot.Run(new SeedWorkload { Kind = SeedKind.ManyShortLived, Iterations = 1_000_000 });
                    units += 1_000_000;
                    break;
                case "longlived":
                    slot.Run(new SeedWorkload { Kind = SeedKind.ManyAroundLongLived, Iterations = 10_000_000 });
                    units += 10_000_000;
                    break;
                default:
                    Console.Error.WriteLine("unknown workload " + workload);
                    return 2;
            }
        }
        Console.WriteLine($"{slot.Name} {workload}: {units / watch.Elapsed.TotalSeconds / 1e6:F2} M units/s");
        return 0;
    }
}
