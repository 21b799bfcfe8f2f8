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
        _fixture.Prefetch(KernelMatrix.Configs);
        var boot = await _fixture.Boot(KernelMatrix.Get(config));
        KernelAssert.Ran(boot);
        return boot;
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigsAndTests), MemberType = typeof(KernelMatrix))]
    public async Task Kernel_self_test(string config, string test)
    {
        var boot = await Boot(config);
        var result = boot.Report.Find(test);
        KernelAssert.That(result != null,
            $"{config}: the kernel did not report self-test '{test}' (verdict {boot.Verdict}).", boot);
        _output.WriteLine($"{config}: {result}");
        KernelAssert.That(result!.Outcome == SelfTestOutcome.Pass,
            $"{config}: self-test '{test}' did not pass: {result}", boot);
        KernelAssert.That(boot.Report.Tests.Count(t => t.Name == test) == 1,
            $"{config}: self-test '{test}' was reported more than once.", boot);
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
        KernelAssert.That(boot.ExitStatus == 33,
            $"{config}: QEMU status {BootResult.DescribeStatus(boot.ExitStatus)}, expected 33 (all passed).", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"{config}: verdict {boot.Verdict}.", boot);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.ConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Kernel_reports_exactly_the_known_self_tests(string config)
    {
        var boot = await Boot(config);
        var reported = boot.Report.Tests.Select(t => t.Name).Distinct().ToList();
        var unknown = reported.Except(KernelMatrix.KnownTests).ToList();
        var missing = KernelMatrix.KnownTests.Except(reported).ToList();
        KernelAssert.That(unknown.Count == 0,
            $"{config}: the kernel reported self-tests that KernelMatrix.KnownTests does not list: {string.Join(", ", unknown)}" +
            " (add them so each shows up as its own host-side result).", boot);
        KernelAssert.That(missing.Count == 0,
            $"{config}: listed self-tests the kernel did not report: {string.Join(", ", missing)}.", boot);
    }
}
