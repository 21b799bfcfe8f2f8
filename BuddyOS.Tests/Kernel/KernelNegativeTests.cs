using System.Text.RegularExpressions;
using BuddyOS.Protocol;
using Xunit.Abstractions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// Boots that must NOT pass: they prove the harness notices a failing self-test, a panic and a hang.
/// They run under BIOS (the fastest boot) with ISO variants packed by scripts/mkiso.sh.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelNegativeTests
{
    public static readonly BootConfig SelftestFail =
        BootConfig.Create(Firmware.Bios, "pc", 32, "selftest=fail", name: "bios-pc-32M-selftest_fail");
    public static readonly BootConfig CrashNull =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=null", name: "bios-pc-32M-crash_null");
    public static readonly BootConfig CrashUnhandled =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=unhandled", name: "bios-pc-32M-crash_unhandled");
    public static readonly BootConfig CrashDispatcher =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=dispatcher", name: "bios-pc-32M-crash_dispatcher");
    public static readonly BootConfig CrashHang =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=hang", TimeSpan.FromSeconds(10), name: "bios-pc-32M-crash_hang");
    public static readonly BootConfig UseAfterFreeChecked =
        BootConfig.Create(Firmware.Bios, "pc", 32, "heap.checks=on crash=use_after_free", name: "bios-pc-32M-use_after_free_checked");
    public static readonly BootConfig UseAfterFreeUnchecked =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=use_after_free", name: "bios-pc-32M-use_after_free");
    public static readonly BootConfig Uefi32M =
        BootConfig.Create(Firmware.Uefi, "pc", 32, timeout: TimeSpan.FromSeconds(30));

    private static BootConfig SelftestOnly => BootConfig.Create(Firmware.Bios, "pc", 32,
        "selftest.only=" + string.Join(",", OnlySubset), name: "bios-pc-32M-selftest_only");
    // Named out of order: the kernel still runs them in registration order.
    private static string[] OnlySubset => SelfTestRegistry.Names.Count >= 2
        ? new[] { SelfTestRegistry.Names[^1], SelfTestRegistry.Names[0] }
        : SelfTestRegistry.Names.ToArray();

    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelNegativeTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private async Task<BootResult> Boot(BootConfig config)
    {
        _fixture.Prefetch(new[] { CrashHang, Uefi32M, SelftestFail, CrashNull, SelftestOnly, CrashUnhandled, CrashDispatcher, UseAfterFreeChecked, UseAfterFreeUnchecked });
        var boot = await _fixture.Boot(config);
        _output.WriteLine(boot.Describe(tailLines: 20));
        KernelAssert.Ran(boot);
        return boot;
    }

    [Fact]
    public async Task Selftest_fail_is_reported_as_a_failing_test()
    {
        var boot = await Boot(SelftestFail);
        var r = boot.Report;
        KernelAssert.That(!boot.Hung && !r.Panicked, "selftest=fail: expected a clean failure report, not a hang or panic.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Failed, $"selftest=fail: verdict {boot.Verdict}, expected Failed.", boot);
        KernelAssert.That(boot.ExitStatus == ReportProtocol.TestsFailedStatus,
            $"selftest=fail: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected {BootResult.DescribeStatus(ReportProtocol.TestsFailedStatus)}.", boot);
        var failed = r.Tests.Where(t => t.Outcome == SelfTestOutcome.Fail).ToList();
        KernelAssert.That(failed.Count == 1, $"selftest=fail: expected exactly one [FAIL] line, got {failed.Count}.", boot);
        KernelAssert.That(!SelfTestRegistry.Names.Contains(failed[0].Name),
            $"selftest=fail: the failing test '{failed[0].Name}' should be the one added on purpose, not a regular self-test.", boot);
        KernelAssert.That(failed[0].Message.Length > 0, "selftest=fail: the [FAIL] line carries no message.", boot);
        KernelAssert.That(r.HasSummary && r.SummaryFailed == 1,
            $"selftest=fail: the closing line should say M = 1 failed, got {(r.HasSummary ? r.SummaryFailed.ToString() : "no closing line")}.", boot);
        KernelAssert.That(r.SummaryPassed == r.PassLines,
            $"selftest=fail: the closing line says N = {r.SummaryPassed} but there are {r.PassLines} [PASS] lines.", boot);
        KernelAssert.That(r.Plan != null && r.Plan.SequenceEqual(SelfTestRegistry.Names.Append(failed[0].Name)) && r.ResultsMatchPlan,
            "selftest=fail: the plan should be every registered test and then the deliberate failure, each reported.", boot);
        // The regular tests still ran and passed alongside the failing one.
        var notPassed = SelfTestRegistry.Names.Where(t => r.Find(t)?.Outcome != SelfTestOutcome.Pass).ToList();
        KernelAssert.That(notPassed.Count == 0, $"selftest=fail: regular self-tests not passing: {string.Join(", ", notPassed)}.", boot);
    }

    [Fact]
    public async Task Crash_null_is_reported_as_a_page_fault_panic_at_address_0()
    {
        var boot = await Boot(CrashNull);
        var r = boot.Report;
        KernelAssert.That(boot.ExitStatus != ReportProtocol.AllPassedStatus, "crash=null: QEMU reported all passed for a null dereference.", boot);
        KernelAssert.That(!boot.Hung, "crash=null: the boot hung instead of panicking.", boot);
        KernelAssert.That(r.Panicked, "crash=null: no line containing PANIC.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Panicked, $"crash=null: verdict {boot.Verdict}, expected Panicked.", boot);
        KernelAssert.That(boot.ExitStatus == ReportProtocol.PanickedStatus,
            $"crash=null: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected {BootResult.DescribeStatus(ReportProtocol.PanickedStatus)}.", boot);
        KernelAssert.That(Regex.IsMatch(r.PanicText, @"#PF|page fault", RegexOptions.IgnoreCase),
            "crash=null: the panic does not name a page fault (#PF).", boot);
        KernelAssert.That(r.PanicText.Contains("0x0000000000000000"),
            "crash=null: the panic does not name the faulting address 0x0000000000000000.", boot);
        // .NET semantics: a page-0 fault in managed code is a NullReferenceException, here one nothing catches.
        KernelAssert.That(r.PanicText.Contains("System.NullReferenceException"),
            "crash=null: the panic does not name the NullReferenceException the fault became.", boot);
    }

    [Fact]
    public async Task Crash_unhandled_panics_with_type_message_and_a_stack_trace_to_kmain()
    {
        var boot = await Boot(CrashUnhandled);
        var r = boot.Report;
        KernelAssert.That(!boot.Hung && r.Panicked, $"crash=unhandled: expected a panic, verdict {boot.Verdict}.", boot);
        KernelAssert.That(boot.ExitStatus == 37, $"crash=unhandled: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected 37.", boot);
        KernelAssert.That(r.PanicText.Contains("unhandled exception"), "crash=unhandled: the panic does not say 'unhandled exception'.", boot);
        KernelAssert.That(r.PanicText.Contains("System.InvalidOperationException"), "crash=unhandled: the panic does not name the exception type.", boot);
        KernelAssert.That(r.PanicText.Contains("crash=unhandled asked for an exception nothing catches"),
            "crash=unhandled: the panic does not carry the exception's message.", boot);
        var trace = r.PanicLines.SkipWhile(l => !l.Contains("stack trace:")).Skip(1).TakeWhile(l => l.TrimStart().StartsWith("at ")).ToList();
        var thrower = trace.FindIndex(l => l.Contains("Kmain__CrashWithUnhandledException+0x"));
        var kmain = trace.FindIndex(l => Regex.IsMatch(l, @"\bkmain\+0x"));
        KernelAssert.That(thrower == 0, $"crash=unhandled: the first stack-trace frame should be the throwing method, got [{string.Join(" | ", trace)}].", boot);
        KernelAssert.That(kmain > thrower, $"crash=unhandled: no kmain frame after the throwing method in [{string.Join(" | ", trace)}].", boot);
    }

    [Fact]
    public async Task Crash_dispatcher_fault_is_a_panic_not_a_triple_fault()
    {
        var boot = await Boot(CrashDispatcher);
        var r = boot.Report;
        KernelAssert.That(boot.ExitStatus != 0, "crash=dispatcher: QEMU exited 0: a triple fault or reset.", boot);
        KernelAssert.That(!boot.Hung && r.Panicked, $"crash=dispatcher: expected a panic, verdict {boot.Verdict}.", boot);
        KernelAssert.That(boot.ExitStatus == 37, $"crash=dispatcher: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected 37.", boot);
        KernelAssert.That(r.PanicText.Contains("inside the exception dispatcher"),
            "crash=dispatcher: the panic does not say the fault was inside the exception dispatcher.", boot);
        KernelAssert.That(r.PanicText.Contains("in: BuddyOS_Kernel_BuddyOS_Kernel_Exceptions_ExceptionDispatcher__"),
            "crash=dispatcher: the panic does not name the dispatcher function that faulted.", boot);
        KernelAssert.That(!r.Lines.Any(l => l.Contains("caught, which it must not be")),
            "crash=dispatcher: the exception was caught although the dispatcher faulted.", boot);
    }

    [Fact]
    public async Task Heap_checks_catch_a_use_after_free_in_the_kernel()
    {
        var boot = await Boot(UseAfterFreeChecked);
        KernelAssert.That(boot.Verdict == BootVerdict.Panicked && boot.ExitStatus == ReportProtocol.PanickedStatus,
            $"{UseAfterFreeChecked.Cmdline}: verdict {boot.Verdict}, status {BootResult.DescribeStatus(boot.ExitStatus)}; expected the panic.", boot);
        KernelAssert.That(boot.Report.PanicText.Contains("UseAfterFree", StringComparison.Ordinal),
            $"{UseAfterFreeChecked.Cmdline}: the panic does not name UseAfterFree.", boot);
        KernelAssert.That(!boot.Report.Lines.Any(l => l.Contains("not caught", StringComparison.Ordinal)),
            $"{UseAfterFreeChecked.Cmdline}: the kernel got past the allocation that should have caught the write.", boot);
    }

    /// <summary>The control for the test above: the same write, without the checks, goes unseen.</summary>
    [Fact]
    public async Task Without_heap_checks_the_same_use_after_free_goes_unseen()
    {
        var boot = await Boot(UseAfterFreeUnchecked);
        KernelAssert.That(boot.Report.Lines.Any(l => l.Contains("not caught (heap.checks is off): the new array is the freed one", StringComparison.Ordinal)),
            $"{UseAfterFreeUnchecked.Cmdline}: the freed block was not reused, so the demonstration shows nothing.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"{UseAfterFreeUnchecked.Cmdline}: verdict {boot.Verdict}, expected a normal boot.", boot);
    }

    [Fact]
    public async Task Crash_hang_is_killed_by_the_timeout_and_reported_as_hung()
    {
        var boot = await Boot(CrashHang);
        KernelAssert.That(boot.Hung, $"crash=hang: not reported as hung (verdict {boot.Verdict}).", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Hung, $"crash=hang: verdict {boot.Verdict}, expected Hung.", boot);
        KernelAssert.That(boot.ExitStatus == null, "crash=hang: QEMU exited by itself.", boot);
        KernelAssert.That(boot.Duration >= boot.Config.Timeout && boot.Duration < boot.Config.Timeout + TimeSpan.FromSeconds(15),
            $"crash=hang: ran {boot.Duration.TotalSeconds:0.0} s for a {boot.Config.Timeout.TotalSeconds:0} s timeout.", boot);
        KernelAssert.That(!boot.Report.Panicked, "crash=hang: the kernel panicked instead of spinning.", boot);
        // Under SeaBIOS only the kernel writes to COM1: output proves the hang is the kernel's, not a boot that never got there.
        KernelAssert.That(boot.Report.Lines.Count > 0, "crash=hang: no serial output at all: the kernel never started.", boot);
        KernelAssert.That(!boot.Report.HasSummary || boot.Report.SummaryFailed == 0,
            "crash=hang: a failing self-test report before the hang.", boot);
    }

    [Fact]
    public async Task Selftest_only_runs_exactly_the_named_subset()
    {
        var boot = await Boot(SelftestOnly);
        var r = boot.Report;
        var reported = r.Tests.Select(t => t.Name).ToList();
        var expected = SelfTestRegistry.Names.Where(OnlySubset.Contains).ToList();
        KernelAssert.That(r.Plan != null && r.Plan.SequenceEqual(expected),
            $"{SelftestOnly.Cmdline}: planned [{string.Join(", ", r.Plan ?? new List<string>())}], expected [{string.Join(", ", expected)}].", boot);
        KernelAssert.That(reported.SequenceEqual(expected),
            $"{SelftestOnly.Cmdline}: reported [{string.Join(", ", reported)}], expected [{string.Join(", ", expected)}].", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed && r.SummaryPassed == expected.Count,
            $"{SelftestOnly.Cmdline}: verdict {boot.Verdict}, N = {r.SummaryPassed}; expected Passed with N = {expected.Count}.", boot);
    }

    /// <summary>
    /// Why the UEFI half of the matrix uses 64 MiB instead of 32: OVMF itself takes an exception in 32 MiB.
    /// If this starts failing because the boot gets through, a newer OVMF fits in 32 MiB: put uefi-*-32M
    /// back in KernelMatrix.Configs.
    /// </summary>
    [Fact]
    public async Task Uefi_at_32_MiB_fails_inside_OVMF_before_the_kernel()
    {
        var boot = await Boot(Uefi32M);
        KernelAssert.That(boot.Verdict != BootVerdict.Passed,
            "OVMF now boots the kernel in 32 MiB: add uefi-pc-32M and uefi-q35-32M to KernelMatrix.Configs.", boot);
        KernelAssert.That(boot.LoaderFailure == QemuLauncher.LoaderFailureMarkers[0].Meaning,
            $"UEFI 32 MiB: expected OVMF's own exception dump, got verdict {boot.Verdict}.", boot);
        KernelAssert.That(boot.Report.Tests.Count == 0 && !boot.Report.Panicked,
            "UEFI 32 MiB: the kernel ran, so the failure is the kernel's, not the firmware's.", boot);
    }
}
