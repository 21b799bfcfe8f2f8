namespace BuddyOS.Tests.Kernel;

/// <summary>The serial-report parser and verdicts on hand-written logs (no QEMU).</summary>
public sealed class SerialReportTests
{
    private static BootResult Result(string log, int? status, bool hung = false, string? loader = null) => new()
    {
        Config = BootConfig.Create(Firmware.Bios, "pc", 32),
        IsoPath = "x.iso",
        CommandLine = "qemu",
        ExitStatus = status,
        Hung = hung,
        LoaderFailure = loader,
        SerialLog = log,
        Report = SerialReport.Parse(log),
    };

    private const string Good =
        "BuddyOS booting\r\n[PASS] heap_alloc\r\n[PASS] strings\r\n[XFAIL] smp: one core only\r\nselftest: 2 passed, 0 failed\r\n";

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
        var b = Result(log, 37);
        Assert.True(b.Report.Panicked);
        Assert.Equal(2, b.Report.PanicLines.Count);
        Assert.Contains("0x0000000000000000", b.Report.PanicText);
        Assert.Equal(BootVerdict.Panicked, b.Verdict);
        // Even with status 33 and a clean closing line, a PANIC line wins.
        Assert.Equal(BootVerdict.Panicked, Result("[PASS] a\nselftest: 1 passed, 0 failed\nPANIC: late\n", 33).Verdict);
    }

    [Fact]
    public void Verdicts_need_every_piece_of_a_pass()
    {
        Assert.Equal(BootVerdict.Passed, Result(Good, 33).Verdict);
        Assert.Equal(BootVerdict.Broken, Result(Good, 0).Verdict);                            // triple fault exits 0
        Assert.Equal(BootVerdict.Broken, Result("[PASS] a\n", 33).Verdict);                  // no closing line
        Assert.Equal(BootVerdict.Broken, Result("[PASS] a\nselftest: 2 passed, 0 failed\n", 33).Verdict); // N != PASS lines
        Assert.Equal(BootVerdict.Broken, Result("selftest: 0 passed, 0 failed\n", 33).Verdict); // N == 0
        Assert.Equal(BootVerdict.Broken, Result("[PASS] a\n[PASS] a\nselftest: 2 passed, 0 failed\n", 33).Verdict); // duplicate
        Assert.Equal(BootVerdict.Broken, Result(Good + Good, 33).Verdict);                    // two closing lines
        Assert.Equal(BootVerdict.Failed, Result("[PASS] a\n[FAIL] b: no\nselftest: 1 passed, 1 failed\n", 35).Verdict);
        Assert.Equal(BootVerdict.Failed, Result("[PASS] a\n[FAIL] b: no\nselftest: 1 passed, 1 failed\n", 33).Verdict);
        Assert.Equal(BootVerdict.Hung, Result("[PASS] a\n", null, hung: true).Verdict);
        Assert.Equal(BootVerdict.LoaderFailed, Result("!!!! X64 Exception Type - 0E(#PF - Page-Fault)\n", null, loader: "OVMF").Verdict);
    }

    [Fact]
    public void Describe_shows_the_parse_and_the_serial_tail()
    {
        var text = Result("[PASS] a\n[FAIL] b: heap corrupted at 0x1000\nselftest: 1 passed, 1 failed\n", 35).Describe();
        Assert.Contains("verdict: Failed", text);
        Assert.Contains("35 (a self-test failed)", text);
        Assert.Contains("closing line: 1 passed, 1 failed", text);
        Assert.Contains("[FAIL] b: heap corrupted at 0x1000", text);
        Assert.Contains("  | selftest: 1 passed, 1 failed", text);
    }
}
