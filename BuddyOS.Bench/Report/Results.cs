namespace BuddyOS.Bench.Report;

/// <summary>Everything one run measured, in the shape the report and chart need.</summary>
public sealed class Results
{
    public string Mode = "";
    public string Source = "";
    public string Machine = "";
    public int Cores;
    public string Runtime = "";
    public DateTime Date;
    public string ClockName = "";
    public double TicksPerNs;
    public string[] Allocators = Array.Empty<string>();   // index 0 is BuddyOS.Heap
    public List<RandomActionsRow> RandomActions = new();
    public EfficiencyRow? Efficiency;
    public LatencyResult? Latency;
    public List<FragmentedRow> Fragmented = new();
    public List<SeedRow> Seeds = new();
    public List<string> Problems = new();
    public TimeSpan Elapsed;
}

public sealed class RandomActionsRow
{
    public ulong MaxSize;
    public bool WithRealloc;
    public nuint HeapSize;
    public string[] Allocators = Array.Empty<string>();
    public double[][] OpsPerSecond = Array.Empty<double[]>();   // [allocator][trial]
    public long[] Failures = Array.Empty<long>();
    public int BumpRefills;
    public double[] HarnessOpsPerSecond = Array.Empty<double>();   // [trial]: the workload on NullAllocator

    /// <summary>Nanoseconds per action an allocator adds above the harness's own cost (medians).</summary>
    public double NsAboveHarness(int a)
        => HarnessOpsPerSecond.Length == 0 || HarnessOpsPerSecond.All(x => x == 0) ? double.NaN
            : 1e9 / Median(a) - 1e9 / Support.Stats.Median(HarnessOpsPerSecond);

    public double Median(int a) => Support.Stats.Median(OpsPerSecond[a]);

    /// <summary>Per-trial ratios subject / baseline (same trial, same action sequence): median, min, max.</summary>
    public (double Median, double Min, double Max) Ratio(int baseline)
    {
        var r = new List<double>();
        for (int t = 0; t < OpsPerSecond[0].Length; t++)
            if (OpsPerSecond[baseline][t] > 0) r.Add(OpsPerSecond[0][t] / OpsPerSecond[baseline][t]);
        return r.Count == 0 ? (double.NaN, double.NaN, double.NaN) : (Support.Stats.Median(r), r.Min(), r.Max());
    }
}

public sealed class EfficiencyRow
{
    public nuint HeapSize;
    public int Rounds;
    public nuint BuddyMetadataBytes;
    public string[] Allocators = Array.Empty<string>();
    public double[] Mean = Array.Empty<double>(), Min = Array.Empty<double>(), Max = Array.Empty<double>();
}

public sealed class LatencyResult
{
    public nuint HeapSize;
    public int AllocationsPerAllocator;
    public static readonly double[] Percentiles = { 1, 25, 50, 75, 99 };
    public string[] Allocators = Array.Empty<string>();
    public ulong[][] Alloc = Array.Empty<ulong[]>();   // [allocator][percentile] in clock ticks
    public ulong[][] Free = Array.Empty<ulong[]>();
    public long[] Failures = Array.Empty<long>();
    public ulong[] Overhead = Array.Empty<ulong>();    // [percentile]
    public ulong Granularity;                          // smallest observed clock step, ticks
}

public sealed class FragmentedRow
{
    public int Pairs;
    public string[] Allocators = Array.Empty<string>();
    public double[] TotalNs = Array.Empty<double>();  // median over trials
    public double[] FreeNs = Array.Empty<double>();
}

public sealed class SeedRow
{
    public string Name = "";
    public bool Target;     // one of the workloads the 2x-textbook target names
    public string Unit = "";
    public string[] Allocators = Array.Empty<string>();
    public double[] NsPerUnit = Array.Empty<double>();  // median over trials
    public long[] Failures = Array.Empty<long>();
}
