using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// What the collector says about itself in every boot (its configuration line and the closing `gc:` line), the
/// stress boot's collection count, and the out-of-memory panic when live data outgrows the heap.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed partial class KernelCollectorTests
{
    public static readonly BootConfig CrashOom =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=oom", name: "bios-pc-32M-crash_oom");

    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelCollectorTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [GeneratedRegex(@"^gc: (?<n>\d+) collections, (?<bytes>\d+) bytes reclaimed \((?<objects>\d+) objects\) of (?<asked>\d+) bytes asked for, (?<byHand>\d+) freed by hand, longest pause (?<pause>\d+) (emulated )?cycles")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"^gc: mark-sweep collector, .* = (?<bytes>\d+) B \((?<perMiB>\d+) B per MiB of heap, (?<percent>\d+\.\d\d)%\)")]
    private static partial Regex ConfigurationLine();

    private async Task<BootResult> Boot(BootConfig config)
    {
        _fixture.Prefetch(KernelMatrix.All.Append(CrashOom));
        var boot = await _fixture.Boot(config);
        KernelAssert.Ran(boot);
        return boot;
    }

    private static Match Find(BootResult boot, Regex regex) =>
        boot.Report.Lines.Select(l => regex.Match(l)).FirstOrDefault(m => m.Success) ?? Match.Empty;

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Every_boot_collects_and_reports_it(string config)
    {
        var boot = await Boot(KernelMatrix.Get(config));
        var m = Find(boot, SummaryLine());
        KernelAssert.That(m.Success, $"{config}: no closing 'gc: N collections, ...' line.", boot);
        _output.WriteLine(m.Value);
        long n = long.Parse(m.Groups["n"].Value), bytes = long.Parse(m.Groups["bytes"].Value), asked = long.Parse(m.Groups["asked"].Value),
            byHand = long.Parse(m.Groups["byHand"].Value);
        KernelAssert.That(n >= 4, $"{config}: only {n} collections; the gc_garbage test alone pushes 16 MiB through 4 MiB.", boot);
        KernelAssert.That(asked >= 16L << 20, $"{config}: only {asked} bytes asked for in the whole boot.", boot);
        // Every object is reclaimed (at its held size, at least what it asked for), freed by hand, or still live
        // (under 4 MiB): anything short of that is garbage the collector lost.
        KernelAssert.That(bytes + byHand >= asked - (4L << 20),
            $"{config}: {bytes} bytes reclaimed and {byHand} freed by hand of {asked} asked for: garbage is not coming back.", boot);
        KernelAssert.That(long.Parse(m.Groups["pause"].Value) > 0, $"{config}: a longest pause of 0 cycles.", boot);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task The_collector_memory_stays_under_2_percent_of_the_heap(string config)
    {
        var boot = await Boot(KernelMatrix.Get(config));
        var m = Find(boot, ConfigurationLine());
        KernelAssert.That(m.Success, $"{config}: no 'gc: mark-sweep collector ...' configuration line.", boot);
        _output.WriteLine(m.Value);
        long bytes = long.Parse(m.Groups["bytes"].Value);
        KernelAssert.That(bytes > 0 && bytes * 50 < 4L << 20, $"{config}: the collector uses {bytes} bytes, not under 2% of 4 MiB.", boot);
        KernelAssert.That(long.Parse(m.Groups["perMiB"].Value) == bytes / 4, $"{config}: the per-MiB figure does not match the total.", boot);
    }

    [Fact]
    public async Task Gc_stress_collects_thousands_of_times_and_every_self_test_still_passes()
    {
        var boot = await Boot(KernelMatrix.GcStress);
        var m = Find(boot, SummaryLine());
        KernelAssert.That(m.Success, "gc.stress: no closing 'gc:' line.", boot);
        _output.WriteLine(m.Value);
        long n = long.Parse(m.Groups["n"].Value);
        // The self-tests alone (the benchmarks are skipped under gc.stress, with a line saying so): about 1,450 at 500.
        KernelAssert.That(n >= 1000, $"gc.stress={KernelMatrix.GcStressEvery}: only {n} collections.", boot);
        KernelAssert.That(boot.SerialLog.Contains(BuddyOS.Protocol.ReportProtocol.BenchmarksSkipped), "gc.stress: no line saying the benchmarks were skipped.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"gc.stress: verdict {boot.Verdict}.", boot);
        var notPassed = SelfTestRegistry.Names.Where(t => boot.Report.Find(t)?.Outcome != SelfTestOutcome.Pass).ToList();
        KernelAssert.That(notPassed.Count == 0, $"gc.stress: self-tests not passing: {string.Join(", ", notPassed)}.", boot);
    }

    /// <summary>
    /// A collection before every allocation at full size, over the tests that use System.GC, the handles, exceptions
    /// and the base library (gc_api failed here once: a check read the collection count across an allocation). The
    /// allocation-heavy tests are left out: collecting before each of their millions of allocations takes hours
    /// under TCG.
    /// </summary>
    public static readonly string[] DenseStressTests =
    {
        "strings", "static_constructor", "interface_dispatch", "generics", "delegates", "gc_api", "gc_roots", "gc_cycles",
        "exc_catch", "exc_unwind", "exc_filter", "exc_rethrow", "exc_hardware", "bcl_collections", "bcl_text", "bcl_linq",
        "bcl_parse", "bcl_math", "bcl_exceptions", "bcl_weak", "bcl_threads", "bcl_reflection", "bcl_console", "bcl_program",
    };

    public static readonly BootConfig DenseStress = BootConfig.Create(Firmware.Bios, "pc", 32,
        $"selftest=full gc.stress=1 selftest.only={string.Join(",", DenseStressTests)}", TimeSpan.FromSeconds(180), name: "bios-pc-32M-gc_stress1_full");

    [Fact]
    public async Task Gc_stress_1_at_full_size_over_the_base_library_tests_passes()
    {
        _fixture.Prefetch(new[] { DenseStress });
        var boot = await _fixture.Boot(DenseStress);
        KernelAssert.Ran(boot);
        var m = Find(boot, SummaryLine());
        KernelAssert.That(m.Success, "gc.stress=1: no closing 'gc:' line.", boot);
        _output.WriteLine(m.Value);
        KernelAssert.That(long.Parse(m.Groups["n"].Value) >= 15000,   // about 19,500: one per allocation
            $"gc.stress=1: only {m.Groups["n"].Value} collections.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"gc.stress=1: verdict {boot.Verdict}.", boot);
        KernelAssert.That(boot.Report.Plan != null && boot.Report.Plan.SequenceEqual(DenseStressTests.OrderBy(t => SelfTestRegistry.Names.ToList().IndexOf(t))),
            $"gc.stress=1: the plan is not the chosen tests: {string.Join(" ", boot.Report.Plan ?? Array.Empty<string>())}", boot);
        var notPassed = DenseStressTests.Where(t => boot.Report.Find(t)?.Outcome != SelfTestOutcome.Pass).ToList();
        KernelAssert.That(notPassed.Count == 0, $"gc.stress=1: self-tests not passing: {string.Join(", ", notPassed)}.", boot);
    }

    [Fact]
    public async Task Crash_oom_ends_in_the_out_of_memory_panic_naming_size_alignment_and_the_collection()
    {
        var boot = await Boot(CrashOom);
        var r = boot.Report;
        _output.WriteLine(boot.Describe(tailLines: 12));
        KernelAssert.That(!boot.Hung, "crash=oom: the boot hung.", boot);
        KernelAssert.That(r.Panicked, "crash=oom: no panic.", boot);
        KernelAssert.That(boot.ExitStatus == 37, $"crash=oom: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected 37.", boot);
        KernelAssert.That(r.PanicText.Contains("out of memory"), "crash=oom: the panic does not say out of memory.", boot);
        // byte[65536] is 24 bytes of header and length plus the data.
        KernelAssert.That(r.PanicText.Contains("allocation of 65560 bytes, alignment 8"),
            "crash=oom: the panic does not name the failing size (65560) and alignment (8).", boot);
        KernelAssert.That(Regex.IsMatch(r.PanicText, @"the collection before the last try freed \d+ bytes \(\d+ objects\)"),
            "crash=oom: the panic does not say what the collection before it freed.", boot);
    }
}
