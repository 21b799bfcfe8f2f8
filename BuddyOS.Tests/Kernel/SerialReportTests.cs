using BuddyOS.Protocol;

namespace BuddyOS.Tests.Kernel;

/// <summary>The serial-report parser and verdicts on hand-written logs (no QEMU).</summary>
public sealed class SerialReportTests
{
    private static BootResult Result(string log, int? status, bool hung = false, string? loader = null) => new()
    {
        Config = BootConfig.Create(Firmware.Bios, "pc", 32),
        IsoPath = "x.iso",
        Run = new QemuRun { Command = "qemu", ExitStatus = status, Hung = hung, LoaderFailure = loader, Serial = log },
        Report = SerialReport.Parse(log),
    };

    private const string Good =
        "BuddyOS booting\r\nplan: heap_alloc strings smp\r\n[PASS] heap_alloc (1200 emulated cycles)\r\n[PASS] strings (330 emulated cycles)\r\n" +
        "[XFAIL] smp: one core only\r\nselftest: 2 passed, 0 failed\r\n";

    [Fact]
    public void Parses_results_messages_and_the_closing_line()
    {
        var r = SerialReport.Parse(
            "[PASS] a\n[FAIL] b: expected 3, got 4 (at x: y)\n[XFAIL] c: not yet\nselftest: 1 passed, 1 failed\n");
        Assert.Equal(new[] { "a", "b", "c" }, r.Tests.Select(t => t.Name));
        Assert.Equal(new[] { SelfTestOutcome.Pass, SelfTestOutcome.Fail, SelfTestOutcome.XFail }, r.Tests.Select(t => t.Outcome));
        Assert.Equal("expected 3, got 4 (at x: y)", r.Find("b")!.Message);
        Assert.Equal("not yet", r.Find("c")!.Message);
        Assert.Equal(1, r.SummaryPassed);
        Assert.Equal(1, r.SummaryFailed);
        Assert.Equal(1, r.SummaryLineCount);
        Assert.False(r.Panicked);
        Assert.Null(r.Find("selftest"));
    }

    [Fact]
    public void Parses_the_plan_and_each_tests_time()
    {
        var r = SerialReport.Parse("plan: a b c\n[PASS] a (123 emulated cycles)\n[FAIL] b (9 cycles): no (at x)\n[XFAIL] c: bump heap\n");
        Assert.Equal(new[] { "a", "b", "c" }, r.Plan);
        Assert.Equal(1, r.PlanLineCount);
        Assert.True(r.ResultsMatchPlan);
        Assert.Equal(123UL, r.Find("a")!.Cycles);
        Assert.True(r.Find("a")!.Emulated);
        Assert.Equal(9UL, r.Find("b")!.Cycles);
        Assert.False(r.Find("b")!.Emulated);
        Assert.Equal("no (at x)", r.Find("b")!.Message);
        Assert.Null(r.Find("c")!.Cycles);
        Assert.Equal("[PASS] a (123 emulated cycles)", r.Find("a")!.ToString());
        Assert.False(SerialReport.Parse("plan: a b\n[PASS] b\n[PASS] a\n").ResultsMatchPlan);   // order
        Assert.False(SerialReport.Parse("plan: a b\n[PASS] a\n").ResultsMatchPlan);             // b missing
        Assert.False(SerialReport.Parse("plan: a\n[PASS] a\n[PASS] z\n").ResultsMatchPlan);    // z not planned
        Assert.False(SerialReport.Parse("[PASS] a\n").ResultsMatchPlan);                        // no plan
    }

    [Fact]
    public void Firmware_escape_sequences_and_carriage_returns_are_removed()
    {
        var log = "\x1B[2J\x1B[01;01H\x1B[=3h\x1B[2J\x1B[01;01HBdsDxe: loading Boot0001\r\n\x1B[0m\x1B[37m\x1B[40m[PASS] one\r\r\n" +
                  "progress 10%\rprogress 100%\r\n[PASS] two\nselftest: 2 passed, 0 failed";
        var r = SerialReport.Parse(log);
        Assert.Equal(new[] { "one", "two" }, r.Tests.Select(t => t.Name));
        Assert.Equal(2, r.SummaryPassed);
        Assert.DoesNotContain(r.Lines, l => l.Contains('\x1B') || l.Contains('\r'));
        Assert.Contains("progress 100%", r.Lines);
    }

    [Fact]
    public void A_panic_keeps_its_lines_and_is_never_a_pass()
    {
        var log = "[PASS] a\nKERNEL PANIC: #PF page fault\n  address 0x0000000000000000 rip 0xffff800000101234\n";
        var b = Result(log, ReportProtocol.PanickedStatus);
        Assert.True(b.Report.Panicked);
        Assert.Equal(2, b.Report.PanicLines.Count);
        Assert.Contains("0x0000000000000000", b.Report.PanicText);
        Assert.Equal(BootVerdict.Panicked, b.Verdict);
        // Even with the all-passed status and a clean closing line, a PANIC line wins.
        Assert.Equal(BootVerdict.Panicked, Result("plan: a\n[PASS] a\nselftest: 1 passed, 0 failed\nPANIC: late\n", ReportProtocol.AllPassedStatus).Verdict);
    }

    [Fact]
    public void Verdicts_need_every_piece_of_a_pass()
    {
        const int Ok = ReportProtocol.AllPassedStatus, Failed = ReportProtocol.TestsFailedStatus;
        Assert.Equal(BootVerdict.Passed, Result(Good, Ok).Verdict);
        Assert.Equal(BootVerdict.Broken, Result(Good, 0).Verdict);                            // triple fault exits 0
        Assert.Equal(BootVerdict.Broken, Result("plan: a\n[PASS] a\n", Ok).Verdict);           // no closing line
        Assert.Equal(BootVerdict.Broken, Result("plan: a\n[PASS] a\nselftest: 2 passed, 0 failed\n", Ok).Verdict); // N != PASS lines
        Assert.Equal(BootVerdict.Broken, Result("plan:\nselftest: 0 passed, 0 failed\n", Ok).Verdict); // N == 0
        Assert.Equal(BootVerdict.Broken, Result("plan: a\n[PASS] a\n[PASS] a\nselftest: 2 passed, 0 failed\n", Ok).Verdict); // duplicate
        Assert.Equal(BootVerdict.Broken, Result(Good + Good, Ok).Verdict);                    // two closing lines
        Assert.Equal(BootVerdict.Broken, Result("[PASS] a\nselftest: 1 passed, 0 failed\n", Ok).Verdict); // no plan
        Assert.Equal(BootVerdict.Broken, Result("plan: a b\n[PASS] a\nselftest: 1 passed, 0 failed\n", Ok).Verdict); // b never reported
        Assert.Equal(BootVerdict.Failed, Result("plan: a b\n[PASS] a\n[FAIL] b: no\nselftest: 1 passed, 1 failed\n", Failed).Verdict);
        Assert.Equal(BootVerdict.Failed, Result("plan: a b\n[PASS] a\n[FAIL] b: no\nselftest: 1 passed, 1 failed\n", Ok).Verdict);
        Assert.Equal(BootVerdict.Hung, Result("[PASS] a\n", null, hung: true).Verdict);
        Assert.Equal(BootVerdict.LoaderFailed, Result("!!!! X64 Exception Type - 0E(#PF - Page-Fault)\n", null, loader: "OVMF").Verdict);
    }

    [Fact]
    public void Describe_shows_the_parse_and_the_serial_tail()
    {
        var text = Result("plan: a b\n[PASS] a\n[FAIL] b: heap corrupted at 0x1000\nselftest: 1 passed, 1 failed\n",
            ReportProtocol.TestsFailedStatus).Describe();
        Assert.Contains("verdict: Failed", text);
        Assert.Contains($"{ReportProtocol.TestsFailedStatus} (a self-test failed)", text);
        Assert.Contains("plan: a b", text);
        Assert.Contains("closing line: 1 passed, 1 failed", text);
        Assert.Contains("[FAIL] b: heap corrupted at 0x1000", text);
        Assert.Contains("  | selftest: 1 passed, 1 failed", text);
    }

    [Fact]
    public void Registry_reads_one_name_per_Add_line_and_nothing_else()
    {
        var names = SelfTestRegistry.Parse(
            "Add(tests, \"a\", A.Run, needsFree: false);\n  Add( tests , \"b_c\", B.Run, needsFree: true);\n" +
            "// Add(tests, \"commented\", X, needsFree: false);\n tests.Add(DeliberateFailureCase());\n");
        Assert.Equal(new[] { "a", "b_c" }, names);
        Assert.NotEmpty(SelfTestRegistry.Names);
        Assert.Equal(SelfTestRegistry.Names.Count, SelfTestRegistry.Names.Distinct().Count());
    }
}
