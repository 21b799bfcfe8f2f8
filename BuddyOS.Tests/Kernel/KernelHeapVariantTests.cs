using Xunit.Abstractions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// The kernel's other two heaps (docs/kernel.md): `-p:KernelHeap=PureBuddy` (the buddy core alone, with the
/// collector) runs every self-test and passes them; `-p:KernelHeap=Bump` (no single frees, no collector) passes what
/// a bump heap can and marks the rest XFAIL with the reason. Each is built into its own folders beside the default
/// kernel's, so the default ISO the other tests boot is not touched.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelHeapVariantTests
{
    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelHeapVariantTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private async Task<BootResult> BuildAndBoot(string heap)
    {
        // After the default kernel: one ilc at a time on a small machine, and csc's shared inputs are built by then.
        var main = await _fixture.Build();
        Assert.True(main.Ok, main.Output);
        var root = _fixture.RepoRoot;
        var outDir = Path.Combine(Path.GetTempPath(), $"buddyos-heap-{heap}-{Environment.ProcessId}") + "/";
        var args = new[]
        {
            "build", Path.Combine(root, "BuddyOS.Kernel", "BuddyOS.Kernel.csproj"), "-c", "Release", "-nologo", "-nodeReuse:false",
            "--disable-build-servers", "-v:minimal", "-clp:NoSummary", $"-p:KernelHeap={heap}",
            $"-p:IntermediateOutputPath=obj/Release/heap-{heap}/", $"-p:OutputPath=bin/Release/heap-{heap}/",
            $"-p:KernelObjDir={Path.Combine(root, "BuddyOS.Kernel", "obj", "Release", $"kernel-{heap}")}/", $"-p:KernelOutDir={outDir}",
        };
        var run = await ProcessRunner.RunAsync("dotnet", args, root, KernelFixture.BuildTimeout);
        var iso = Path.Combine(outDir, "buddyos.iso");
        Assert.True(run.ExitCode == 0 && File.Exists(iso), $"dotnet {string.Join(" ", args)}\n{KernelFixture.Tail(run.StartError ?? run.Output, 60)}");
        var config = BootConfig.Create(Firmware.Bios, "pc", 32, name: $"bios-pc-32M-heap_{heap}");
        var boot = await _fixture.InQemuSlot(() => QemuRunner.BootAsync(config, iso, _fixture.LogDir));
        _output.WriteLine(KernelFixture.Tail(boot.SerialLog, 80));
        try { Directory.Delete(outDir, recursive: true); } catch { }
        KernelAssert.Ran(boot);
        return boot;
    }

    [Fact]
    public async Task The_pure_buddy_kernel_passes_every_self_test()
    {
        var boot = await BuildAndBoot("PureBuddy");
        KernelAssert.That(boot.Report.Lines.Any(l => l.StartsWith("heap: buddy heap at ")), "no 'heap: buddy heap at' line: not the pure buddy kernel", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"verdict {boot.Verdict}", boot);
        KernelAssert.That(boot.Report.XFailLines == 0 && boot.Report.PassLines >= 40 && boot.Report.ResultsMatchPlan,
            $"{boot.Report.PassLines} passed, {boot.Report.XFailLines} XFAIL; results match the plan: {boot.Report.ResultsMatchPlan}", boot);
    }

    [Fact]
    public async Task The_bump_kernel_passes_what_a_bump_heap_can_and_says_why_for_the_rest()
    {
        var boot = await BuildAndBoot("Bump");
        KernelAssert.That(boot.Report.Lines.Any(l => l.StartsWith("heap: bump heap at ")), "no 'heap: bump heap at' line: not the bump kernel", boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Passed, $"verdict {boot.Verdict}", boot);
        var xfail = boot.Report.Tests.Where(t => t.Outcome == SelfTestOutcome.XFail).ToList();
        KernelAssert.That(xfail.Count > 0 && xfail.All(t => boot.Report.Lines.Any(l => l.StartsWith($"[XFAIL] {t.Name}: ") && l.Contains("bump heap"))),
            "every XFAIL names the bump heap as its reason", boot);
        // What needs no free still runs: the base library, exceptions, the whole calculator program.
        foreach (var name in new[] { "new_uses_kernel_heap", "exc_catch", "bcl_collections", "bcl_linq", "bcl_program" })
            KernelAssert.That(boot.Report.Tests.Any(t => t.Name == name && t.Outcome == SelfTestOutcome.Pass), $"{name} did not pass on the bump heap", boot);
    }
}
