using BuddyOS.TestSupport.Allocators;
using BuddyOS.Bench.Report;
using BuddyOS.Bench.Support;
using BuddyOS.Bench.Workloads;

namespace BuddyOS.Bench;

/// <summary>How big a run is: --quick (seconds, checked allocators) or --full (the published figures).</summary>
public sealed record RunPlan
{
    public bool Checked { get; init; }
    public ulong[] RandomMaxSizes { get; init; } = { 200, 1000, 3000, 10000, 30000 };
    public int RandomTrials { get; init; } = 7;
    public double RandomWarmupMs { get; init; } = 2;
    public double RandomMeasureMs { get; init; } = 200;
    public long RandomFixedActions { get; init; }     // > 0: count actions instead of timing (quick)
    public long FitProbeActions { get; init; } = 3_000_000;
    public int EfficiencyRounds { get; init; } = 300;
    public int LatencyRounds { get; init; } = 4;
    public int LatencyAllocationsPerRound { get; init; } = 50_000;
    public int[] FragmentedPairs { get; init; } = { 100, 500, 1000, 2000, 5000 };
    public int FragmentedTrials { get; init; } = 7;
    public int FragmentedOpsPerTrial { get; init; } = 20_000;  // repeats = max(1, this / (2N))
    public int SeedTrials { get; init; } = 5;
    public long SmallObjects { get; init; } = 1_000_000;
    public long ShortLivedIterations { get; init; } = 4 * 1024 * 1024; // heap-size iterations (4 MiB heap)
    public int ShortListRepeats { get; init; } = 2_000;
    public int LongListRepeats { get; init; } = 10;
    public int LongListElements { get; init; } = 100_000;
    public string[]? Sections { get; init; }                // null: every section; else random, efficiency, latency, fragmented, seeds

    public static RunPlan Full => new();

    public static RunPlan Quick => new()
    {
        Checked = true,
        RandomMaxSizes = new ulong[] { 200, 3000, 30000 },
        RandomTrials = 1,
        RandomFixedActions = 20_000,
        FitProbeActions = 20_000,
        EfficiencyRounds = 5,
        LatencyRounds = 1,
        LatencyAllocationsPerRound = 3_000,
        FragmentedPairs = new[] { 100, 500 },
        FragmentedTrials = 1,
        FragmentedOpsPerTrial = 1,
        SeedTrials = 1,
        SmallObjects = 2_000,
        ShortLivedIterations = 20_000,
        ShortListRepeats = 3,
        LongListRepeats = 1,
        LongListElements = 20_000,
    };
}

/// <summary>
/// Runs every workload against BuddyOS.Heap and the baselines in one process. Trials interleave the
/// allocators (rotating which goes first) so drift on a shared machine hits all of them alike.
/// </summary>
public sealed class Runner
{
    public const nuint KernelHeapSize = 4u << 20;
    private const nuint MaxHeapSize = 256u << 20;

    private readonly RunPlan _plan;
    private readonly Action<string> _log;
    private readonly List<string> _problems = new();

    public Runner(RunPlan plan, Action<string> log)
    {
        _plan = plan;
        _log = log;
    }

    public IReadOnlyList<string> Problems => _problems;

    public Results RunAll(Results into)
    {
        if (Runs("random")) RunRandomActions(into);
        if (Runs("efficiency")) RunEfficiency(into);
        if (Runs("latency")) RunLatency(into);
        if (Runs("fragmented")) RunFragmented(into);
        if (Runs("seeds")) RunSeeds(into);
        into.Problems.AddRange(_problems);
        return into;
    }

    private bool Runs(string section) => _plan.Sections == null || _plan.Sections.Contains(section);

    private AllocatorSet NewSet(nuint heapSize, bool includeBump = true, bool includePlatform = true)
        => new(heapSize, _plan.Checked, includeBump, includePlatform);

    /// <summary>Collects checked-mode findings and verifies every heap is whole again after a workload.</summary>
    private void Check(AllocatorSlot slot, string context)
    {
        slot.CheckWhole(context);
        foreach (string p in slot.Problems)
        {
            string line = $"{slot.Name}: {p}";
            if (!_problems.Contains(line)) _problems.Add(line);
        }
    }

    private static IEnumerable<int> Rotated(int count, int trial)
    {
        for (int i = 0; i < count; i++) yield return (i + trial) % count;
    }

    /// <summary>
    /// The smallest power-of-two heap, from the kernel's 4 MiB up, on which the probe workload runs without
    /// a failed allocation on both buddy heaps.
    /// </summary>
    private static nuint FitHeap(Func<AllocatorSlot, long> failuresOf)
    {
        for (nuint size = KernelHeapSize; ; size *= 2)
        {
            using var set = new AllocatorSet(size, false, includeBump: false, includePlatform: false);
            if (set.Slots.All(s => failuresOf(s) == 0) || size >= MaxHeapSize) return size;
        }
    }

    private void RunRandomActions(Results results)
    {
        foreach (ulong max in _plan.RandomMaxSizes)
            foreach (bool realloc in new[] { true, false })
            {
                nuint heap = FitHeap(slot => slot.Run(new RandomActions
                    { MaxSize = max, WithRealloc = realloc, Seed = 1, FixedActions = _plan.FitProbeActions }).FailedAllocations);
                using var set = new AllocatorSet(heap, _plan.Checked, includeHarnessFloor: true);
                int n = set.Slots.Count;
                var row = new RandomActionsRow
                {
                    MaxSize = max, WithRealloc = realloc, HeapSize = heap,
                    Allocators = set.Slots.Select(s => s.Name).ToArray(),
                    OpsPerSecond = Enumerable.Range(0, n).Select(_ => new double[_plan.RandomTrials]).ToArray(),
                    Failures = new long[n],
                    HarnessOpsPerSecond = new double[_plan.RandomTrials],
                };
                for (int t = 0; t < _plan.RandomTrials; t++)
                {
                    if (set.HarnessFloor != null)
                        row.HarnessOpsPerSecond[t] = set.HarnessFloor.Run(new RandomActions
                        {
                            MaxSize = max, WithRealloc = realloc, Seed = 1 + (ulong)t,
                            WarmupMs = _plan.RandomWarmupMs, MeasureMs = _plan.RandomMeasureMs, FixedActions = _plan.RandomFixedActions,
                        }).OpsPerSecond;
                    foreach (int a in Rotated(n, t))
                    {
                        var w = new RandomActions
                        {
                            MaxSize = max, WithRealloc = realloc, Seed = 1 + (ulong)t,
                            WarmupMs = _plan.RandomWarmupMs, MeasureMs = _plan.RandomMeasureMs, FixedActions = _plan.RandomFixedActions,
                        };
                        RandomActionsTrial r = set.Slots[a].Run(w);
                        row.OpsPerSecond[a][t] = r.OpsPerSecond;
                        row.Failures[a] += r.FailedAllocations;
                        if (set.Slots[a].Name == "BumpHeap") row.BumpRefills += r.BumpRefills;
                        Check(set.Slots[a], $"random actions max {max}{(realloc ? " realloc" : "")}");
                    }
                }
                results.RandomActions.Add(row);
                _log($"random actions max {max,5} {(realloc ? "realloc   " : "no realloc")} heap {heap >> 20,3} MiB: "
                     + string.Join("  ", row.Allocators.Select((name, i) => $"{name} {row.Median(i) / 1e6:F2}M/s"))
                     + $"  | x textbook {row.Ratio(Array.IndexOf(row.Allocators, "TextbookBuddy")).Median:F2}"
                     + $"  x pure buddy {row.Ratio(Array.IndexOf(row.Allocators, "BuddyOS.Heap pure buddy")).Median:F2}"
                     + $"  x glibc {row.Ratio(Array.IndexOf(row.Allocators, "glibc")).Median:F2}");
            }
    }

    private void RunEfficiency(Results results)
    {
        using var set = new AllocatorSet(KernelHeapSize, _plan.Checked, includeBump: false, includePlatform: false, includeMovingRealloc: true);
        var row = new EfficiencyRow
        {
            HeapSize = KernelHeapSize, Rounds = _plan.EfficiencyRounds, BuddyMetadataBytes = set.BuddyMetadataBytes,
            Allocators = set.Slots.Select(s => s.Name).ToArray(),
        };
        var mean = new List<double>();
        var min = new List<double>();
        var max = new List<double>();
        foreach (var slot in set.Slots)
        {
            HeapEfficiencyResult r = slot.Run(new HeapEfficiency { Rounds = _plan.EfficiencyRounds, HeapSize = KernelHeapSize });
            mean.Add(r.Mean);
            min.Add(r.Min);
            max.Add(r.Max);
            Check(slot, "heap efficiency");
        }
        row.Mean = mean.ToArray();
        row.Min = min.ToArray();
        row.Max = max.ToArray();
        results.Efficiency = row;
        _log("heap efficiency: " + string.Join("  ", row.Allocators.Select((a, i) => $"{a} {row.Mean[i]:P1}")));
    }

    private void RunLatency(Results results)
    {
        int perRound = _plan.LatencyAllocationsPerRound;
        nuint heap = FitHeap(slot => slot.Run(new Latency { Allocations = perRound }).FailedAllocations);
        using var set = NewSet(heap);
        int n = set.Slots.Count;
        var allocs = Enumerable.Range(0, n).Select(_ => new List<ulong>()).ToArray();
        var frees = Enumerable.Range(0, n).Select(_ => new List<ulong>()).ToArray();
        var failures = new long[n];
        for (int round = 0; round < _plan.LatencyRounds; round++)
            foreach (int a in Rotated(n, round))
            {
                LatencySamples s = set.Slots[a].Run(new Latency { Allocations = perRound, Seed = 3 + (ulong)round });
                allocs[a].AddRange(s.Alloc);
                frees[a].AddRange(s.Free);
                failures[a] += s.FailedAllocations;
                Check(set.Slots[a], "latency");
            }
        ulong[] Pct(List<ulong> xs)
        {
            var sorted = xs.ToArray();
            Array.Sort(sorted);
            return LatencyResult.Percentiles.Select(p => Stats.Percentile(sorted, p)).ToArray();
        }
        var overhead = Latency.Overhead(200_000);
        Array.Sort(overhead);
        var result = new LatencyResult
        {
            HeapSize = heap,
            AllocationsPerAllocator = perRound * _plan.LatencyRounds,
            Allocators = set.Slots.Select(s => s.Name).ToArray(),
            Alloc = allocs.Select(Pct).ToArray(),
            Free = frees.Select(Pct).ToArray(),
            Failures = failures,
            Overhead = LatencyResult.Percentiles.Select(p => Stats.Percentile(overhead, p)).ToArray(),
            Granularity = Clock.Granularity(),
        };
        results.Latency = result;
        _log($"latency ({Clock.Name}, heap {heap >> 20} MiB), p50 alloc/free ticks: "
             + string.Join("  ", result.Allocators.Select((a, i) => $"{a} {result.Alloc[i][2]}/{result.Free[i][2]}"))
             + $"  (clock overhead p50 {result.Overhead[2]})");
    }

    private void RunFragmented(Results results)
    {
        using var set = NewSet(KernelHeapSize);
        int n = set.Slots.Count;
        foreach (int pairs in _plan.FragmentedPairs)
        {
            int repeats = Math.Max(1, _plan.FragmentedOpsPerTrial / (2 * pairs));
            var total = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
            var free = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
            for (int t = 0; t < _plan.FragmentedTrials; t++)
                foreach (int a in Rotated(n, t))
                {
                    FragmentedFreeTrial r = set.Slots[a].Run(new FragmentedFree { Pairs = pairs, Repeats = repeats });
                    total[a].Add(r.TotalNs);
                    free[a].Add(r.FreeNs);
                    if (r.FailedAllocations != 0) _problems.Add($"{set.Slots[a].Name}: fragmented free N={pairs}: {r.FailedAllocations} failed allocations");
                    Check(set.Slots[a], $"fragmented free N={pairs}");
                }
            var row = new FragmentedRow
            {
                Pairs = pairs,
                Allocators = set.Slots.Select(s => s.Name).ToArray(),
                TotalNs = total.Select(Stats.Median).ToArray(),
                FreeNs = free.Select(Stats.Median).ToArray(),
            };
            results.Fragmented.Add(row);
            _log($"fragmented free N={pairs,5}: " + string.Join("  ", row.Allocators.Select((a, i) => $"{a} {row.TotalNs[i] / 1000:F1}us")));
        }
    }

    private void RunSeeds(Results results)
    {
        var workloads = new (string Name, string Unit, SeedWorkload W, bool Target)[]
        {
            ("one small object (8 B alloc+free)", "object", new SeedWorkload { Kind = SeedKind.SmallObject, Iterations = _plan.SmallObjects }, true),
            ("list pushed to 500 (8 B elements, realloc x2)", "list", new SeedWorkload { Kind = SeedKind.GrowingList, Iterations = _plan.ShortListRepeats, Elements = 500 }, false),
            ($"list pushed to {_plan.LongListElements:N0}", "list", new SeedWorkload { Kind = SeedKind.GrowingList, Iterations = _plan.LongListRepeats, Elements = _plan.LongListElements }, false),
            ($"many short-lived boxes ({_plan.ShortLivedIterations:N0} = heap-size iterations)", "box", new SeedWorkload { Kind = SeedKind.ManyShortLived, Iterations = _plan.ShortLivedIterations }, true),
            ("many boxes around one long-lived box", "box", new SeedWorkload { Kind = SeedKind.ManyAroundLongLived, Iterations = _plan.ShortLivedIterations }, true),
            ("48-byte churn (a ring of 64 live blocks)", "pair", new SeedWorkload { Kind = SeedKind.Churn48, Iterations = _plan.ShortLivedIterations }, true),
        };
        using var set = NewSet(KernelHeapSize);
        int n = set.Slots.Count;
        foreach (var (name, unit, w, target) in workloads)
        {
            var ns = Enumerable.Range(0, n).Select(_ => new List<double>()).ToArray();
            var failures = new long[n];
            for (int t = 0; t < _plan.SeedTrials; t++)
                foreach (int a in Rotated(n, t))
                {
                    SeedTrial r = set.Slots[a].Run(w);
                    ns[a].Add(r.NsPerUnit);
                    failures[a] = Math.Max(failures[a], r.Failures);
                    Check(set.Slots[a], "seed: " + name);
                }
            var row = new SeedRow
            {
                Name = name, Unit = unit, Target = target,
                Allocators = set.Slots.Select(s => s.Name).ToArray(),
                NsPerUnit = ns.Select(Stats.Median).ToArray(),
                Failures = failures,
            };
            results.Seeds.Add(row);
            _log($"seed {name}: " + string.Join("  ", row.Allocators.Select((a, i) => $"{a} {row.NsPerUnit[i]:F1}ns" + (failures[i] > 0 ? $" ({failures[i]} failed)" : ""))));
        }
    }
}
