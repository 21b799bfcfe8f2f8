using BuddyOS.Protocol;
using Xunit.Abstractions;

namespace BuddyOS.Tests.Kernel;

/// <summary>Every kernel self-test, as its own result, in every configuration of the matrix.</summary>
[Collection(KernelCollection.Name)]
public sealed class KernelSelfTestTests
{
    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelSelfTestTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private async Task<BootResult> Boot(string config)
    {
        _fixture.Prefetch(KernelMatrix.All);
        var boot = await _fixture.Boot(KernelMatrix.Get(config));
        KernelAssert.Ran(boot);
        return boot;
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigsAndTests), MemberType = typeof(KernelMatrix))]
    public async Task Kernel_self_test(string config, string test)
    {
        var boot = await Boot(config);
        KernelAssert.That(boot.Report.Plan?.Contains(test) == true,
            $"{config}: self-test '{test}' is registered but not on the kernel's plan line.", boot);
        var result = boot.Report.Find(test);
        KernelAssert.That(result != null,
            $"{config}: the kernel did not report self-test '{test}' (verdict {boot.Verdict}).", boot);
        _output.WriteLine($"{config}: {result}");
        KernelAssert.That(result!.Outcome == SelfTestOutcome.Pass,
            $"{config}: self-test '{test}' did not pass: {result}", boot);
        KernelAssert.That(boot.Report.Tests.Count(t => t.Name == test) == 1,
            $"{config}: self-test '{test}' was reported more than once.", boot);
        KernelAssert.That(result.Cycles.HasValue, $"{config}: self-test '{test}' reported no time.", boot);
        bool tcg = boot.Report.Lines.Any(l => l.Contains("\"TCGTCGTCGTCG\"", StringComparison.Ordinal));
        KernelAssert.That(result.Emulated == tcg,
            $"{config}: self-test '{test}' time labelled {(result.Emulated ? "emulated" : "real")} on {(tcg ? "" : "no ")}QEMU TCG.", boot);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Kernel_boot_reports_all_passed(string config)
    {
        var boot = await Boot(config);
        var r = boot.Report;
        _output.WriteLine(boot.Describe(tailLines: 15));
        KernelAssert.That(!boot.Hung, $"{config}: the boot HUNG (killed after {boot.Config.Timeout.TotalSeconds:0} s).", boot);
        KernelAssert.That(boot.LoaderFailure == null, $"{config}: the boot died before the kernel ran: {boot.LoaderFailure}.", boot);
        KernelAssert.That(!r.Panicked, $"{config}: the kernel panicked.", boot);
        KernelAssert.That(r.HasSummary, $"{config}: no closing 'selftest: N passed, M failed' line.", boot);
        KernelAssert.That(r.SummaryLineCount == 1, $"{config}: the closing line appeared {r.SummaryLineCount} times.", boot);
        KernelAssert.That(r.SummaryFailed == 0, $"{config}: the closing line says M = {r.SummaryFailed} failed.", boot);
        KernelAssert.That(r.SummaryPassed > 0, $"{config}: the closing line says N = {r.SummaryPassed} passed.", boot);
        KernelAssert.That(r.SummaryPassed == r.PassLines,
            $"{config}: the closing line says N = {r.SummaryPassed} passed but there are {r.PassLines} [PASS] lines.", boot);
        KernelAssert.That(r.FailLines == 0, $"{config}: {r.FailLines} [FAIL] lines.", boot);
        KernelAssert.That(boot.ExitStatus == ReportProtocol.AllPassedStatus,
            $"{config}: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected {BootResult.DescribeStatus(ReportProtocol.AllPassedStatus)}.", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"{config}: verdict {boot.Verdict}.", boot);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Kernel_plan_is_the_registration_and_every_planned_test_reports(string config)
    {
        var boot = await Boot(config);
        var r = boot.Report;
        KernelAssert.That(r.PlanLineCount == 1, $"{config}: {r.PlanLineCount} '{ReportProtocol.Plan}' lines, expected one.", boot);
        var registered = SelfTestRegistry.Names;
        KernelAssert.That(r.Plan!.SequenceEqual(registered),
            $"{config}: the kernel planned [{string.Join(" ", r.Plan!)}] but {SelfTestRegistry.SourcePath} registers " +
            $"[{string.Join(" ", registered)}] (a registration the host cannot parse, or a test added outside Add(tests, ...)).", boot);
        KernelAssert.That(r.ResultsMatchPlan,
            $"{config}: reported [{string.Join(" ", r.Tests.Select(t => t.Name))}], planned [{string.Join(" ", r.Plan!)}].", boot);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.DefaultConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Default_boot_reaches_its_closing_line_within_the_budget(string config)
    {
        var boot = await Boot(config);
        var wall = boot.KernelToClosingLine;
        var cpu = boot.KernelToClosingLineCpu;
        _output.WriteLine($"{config}: first kernel line to closing line {wall?.TotalSeconds:0.00} s wall, {cpu?.TotalSeconds:0.00} s CPU");
        KernelAssert.That(wall.HasValue && cpu.HasValue, $"{config}: no first kernel line or no closing line to time.", boot);
        KernelAssert.That(wall!.Value > TimeSpan.Zero && cpu!.Value > TimeSpan.Zero,
            $"{config}: the first kernel line and the closing line arrived in one read: the timing measured nothing.", boot);
        // QEMU's CPU time, not wall time: on this shared machine other builds and boots can stretch the wall
        // clock several times over, while TCG's own work is what the budget is about.
        KernelAssert.That(cpu!.Value < KernelMatrix.BootBudget,
            $"{config}: QEMU spent {cpu.Value.TotalSeconds:0.00} s of CPU from the first kernel line to the closing line " +
            $"({wall.Value.TotalSeconds:0.00} s wall), budget {KernelMatrix.BootBudget.TotalSeconds:0} s.", boot);
    }
}
