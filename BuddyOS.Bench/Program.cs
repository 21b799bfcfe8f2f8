using System.Diagnostics;
using System.Runtime.InteropServices;
using BuddyOS.Bench;
using BuddyOS.Bench.Report;
using BuddyOS.Bench.Support;

// Usage: BuddyOS.Bench --quick              checked pass with tiny parameters, a few seconds; exit 1 on any problem (CI)
//        BuddyOS.Bench --full [--out DIR]   the checked pass, then every figure; writes DIR/results.md and DIR/chart.svg
//                                           (DIR defaults to docs/bench under the repository root)
//        add --no-tsc to time latency with Stopwatch instead of the CPU timestamp counter;
//        --source TEXT names the code measured in results.md (e.g. a commit; default "working tree").
//        BuddyOS.Bench --sections random,efficiency,... [--trials N]   some sections of --full (random, efficiency,
//                                           latency, fragmented, seeds), printed only: no checked pass, no files written;
//                                           --trials: random actions' trials per row (default 7)
//        BuddyOS.Bench --profile WORKLOAD [ALLOCATOR] [SECONDS]   one workload alone, for perf (see Profile.cs)
if (args.Length >= 1 && args[0] == "--profile") return Profile.Run(args.Skip(1).ToArray());
int sourceIndex = Array.IndexOf(args, "--source");
string source = sourceIndex >= 0 && sourceIndex + 1 < args.Length ? args[sourceIndex + 1] : "working tree";
if (args.Length >= 2 && args[0] == "--sections")
{
    Clock.Initialize(allowTsc: !args.Contains("--no-tsc"));
    int trialsIndex = Array.IndexOf(args, "--trials");
    int trials = trialsIndex >= 0 && trialsIndex + 1 < args.Length ? int.Parse(args[trialsIndex + 1]) : RunPlan.Full.RandomTrials;
    var sections = new Runner(RunPlan.Full with { Sections = args[1].Split(','), RandomTrials = trials }, s => Console.WriteLine("  " + s));
    sections.RunAll(NewResults("sections"));
    return sections.Problems.Count == 0 ? 0 : 1;
}
bool quick = args.Contains("--quick");
bool full = args.Contains("--full");
if (quick == full)
{
    Console.Error.WriteLine("usage: BuddyOS.Bench --quick | --full [--out DIR] [--no-tsc] | --sections LIST | --profile ...");
    return 2;
}
int outIndex = Array.IndexOf(args, "--out");
string? outDir = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
if (full && outDir == null) outDir = Path.Combine(RepositoryRoot(), "docs", "bench");

Clock.Initialize(allowTsc: !args.Contains("--no-tsc"));
var watch = Stopwatch.StartNew();
Console.WriteLine($"BuddyOS.Bench --{(quick ? "quick" : "full")}: clock {Clock.Name}, {RuntimeInformation.FrameworkDescription}");

// Every run starts with the checked pass: each allocator behind CheckedAllocator on small workloads.
Console.WriteLine("checked pass:");
var check = new Runner(RunPlan.Quick, s => Console.WriteLine("  " + s));
var checkedResults = check.RunAll(NewResults("quick"));
foreach (string p in check.Problems) Console.WriteLine("  PROBLEM " + p);
Console.WriteLine(check.Problems.Count == 0 ? "checked pass: all allocators behaved" : $"checked pass: {check.Problems.Count} problems");
// The report code runs in quick mode too, so it cannot rot either.
_ = MarkdownReport.Render(checkedResults) + SvgChart.Render(checkedResults);

if (full)
{
    Console.WriteLine("measuring:");
    var runner = new Runner(RunPlan.Full, s => Console.WriteLine("  " + s));
    var results = runner.RunAll(NewResults("full"));
    results.Problems.InsertRange(0, check.Problems);
    results.Elapsed = watch.Elapsed;
    Directory.CreateDirectory(outDir!);
    File.WriteAllText(Path.Combine(outDir!, "results.md"), MarkdownReport.Render(results));
    File.WriteAllText(Path.Combine(outDir!, "chart.svg"), SvgChart.Render(results));
    foreach (string t in MarkdownReport.Targets(results)) Console.WriteLine("target: " + t.Replace("**", ""));
    Console.WriteLine($"wrote {Path.Combine(outDir!, "results.md")} and chart.svg in {watch.Elapsed.TotalSeconds:F0} s");
    if (results.Problems.Count > 0) return 1;
}
else if (outDir != null)
{
    Directory.CreateDirectory(outDir);
    File.WriteAllText(Path.Combine(outDir, "results.md"), MarkdownReport.Render(checkedResults));
    File.WriteAllText(Path.Combine(outDir, "chart.svg"), SvgChart.Render(checkedResults));
}
Console.WriteLine($"done in {watch.Elapsed.TotalSeconds:F1} s");
return check.Problems.Count == 0 ? 0 : 1;

Results NewResults(string mode) => new()
{
    Mode = mode,
    Source = source,
    Machine = MachineModel(),
    Cores = Environment.ProcessorCount,
    Runtime = RuntimeInformation.FrameworkDescription,
    Date = DateTime.UtcNow,
    ClockName = Clock.Name,
    TicksPerNs = Clock.TicksPerNs,
};

static string MachineModel()
{
    try
    {
        var psi = new ProcessStartInfo("lscpu") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        foreach (string line in output.Split('\n'))
            if (line.StartsWith("Model name:", StringComparison.Ordinal)) return line["Model name:".Length..].Trim();
    }
    catch (Exception) { }
    return RuntimeInformation.ProcessArchitecture.ToString();
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "BuddyOS.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
