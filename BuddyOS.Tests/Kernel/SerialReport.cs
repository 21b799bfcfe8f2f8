using System.Text;
using System.Text.RegularExpressions;
using BuddyOS.Protocol;

namespace BuddyOS.Tests.Kernel;

public enum SelfTestOutcome { Pass, Fail, XFail }

/// <summary>One <c>[PASS] name (N cycles)</c>, <c>[FAIL] name (N cycles): message</c> or <c>[XFAIL] name: reason</c> line.</summary>
public sealed record SelfTestResult(string Name, SelfTestOutcome Outcome, string Message, int LineIndex,
    ulong? Cycles = null, bool Emulated = false)
{
    public string Time => Cycles is { } c ? $" ({c} {(Emulated ? ReportProtocol.EmulatedCycles : ReportProtocol.Cycles)})" : "";

    public override string ToString() => Outcome switch
    {
        SelfTestOutcome.Pass => $"{ReportProtocol.Pass} {Name}{Time}" + (Message.Length > 0 ? $": {Message}" : ""),
        SelfTestOutcome.Fail => $"{ReportProtocol.Fail} {Name}{Time}: {Message}",
        _ => $"{ReportProtocol.ExpectedFailure} {Name}{Time}: {Message}",
    };
}

/// <summary>
/// What the kernel said on COM1, parsed. The log also holds firmware and GRUB output (OVMF and GRUB draw
/// with ANSI escapes and bare carriage returns), so the text is cleaned before it is read line by line.
/// </summary>
public sealed partial class SerialReport
{
    public IReadOnlyList<string> Lines { get; }
    public IReadOnlyList<SelfTestResult> Tests { get; }
    /// <summary>N and M of the last <c>selftest: N passed, M failed</c> line; null when there is none.</summary>
    public int? SummaryPassed { get; }
    public int? SummaryFailed { get; }
    /// <summary>How many closing lines there were (exactly one is expected).</summary>
    public int SummaryLineCount { get; }
    /// <summary>The lines from the first line containing PANIC to the end of the log (at most 60).</summary>
    public IReadOnlyList<string> PanicLines { get; }
    /// <summary>Names reported more than once.</summary>
    public IReadOnlyList<string> DuplicateNames { get; }
    /// <summary>The names on the kernel's plan line (the tests it said it would run, in order); null without one.</summary>
    public IReadOnlyList<string>? Plan { get; }
    public int PlanLineCount { get; }

    /// <summary>One plan line, and exactly the planned tests reported, in the planned order.</summary>
    public bool ResultsMatchPlan => PlanLineCount == 1 && Tests.Select(t => t.Name).SequenceEqual(Plan!);

    public bool Panicked => PanicLines.Count > 0;
    public bool HasSummary => SummaryPassed.HasValue;
    public string PanicText => string.Join("\n", PanicLines);
    public int PassLines => Tests.Count(t => t.Outcome == SelfTestOutcome.Pass);
    public int FailLines => Tests.Count(t => t.Outcome == SelfTestOutcome.Fail);
    public int XFailLines => Tests.Count(t => t.Outcome == SelfTestOutcome.XFail);

    private SerialReport(List<string> lines, List<SelfTestResult> tests, int? passed, int? failed, int summaries,
        List<string> panic, List<string> duplicates, List<string>? plan, int plans)
    {
        Plan = plan;
        PlanLineCount = plans;
        Lines = lines;
        Tests = tests;
        SummaryPassed = passed;
        SummaryFailed = failed;
        SummaryLineCount = summaries;
        PanicLines = panic;
        DuplicateNames = duplicates;
    }

    public SelfTestResult? Find(string name) => Tests.FirstOrDefault(t => t.Name == name);

    // "[PASS] name (N cycles)", "[FAIL] name (N emulated cycles): message", "[XFAIL] name: reason", in the words of
    // ReportProtocol. Firmware junk without a newline may precede the tag, so it is found anywhere after a line
    // start or whitespace.
    private static readonly Regex TestLine = new(
        $@"(?:^|\s)(?<kind>{Regex.Escape(ReportProtocol.Pass)}|{Regex.Escape(ReportProtocol.Fail)}|{Regex.Escape(ReportProtocol.ExpectedFailure)})" +
        $@"\s+(?<name>[^\s:(]+)(?:\s+\((?<cycles>\d+)\s+(?<unit>{Regex.Escape(ReportProtocol.EmulatedCycles)}|{Regex.Escape(ReportProtocol.Cycles)})\))?" +
        @"\s*(?::\s*(?<msg>.*?))?\s*$", RegexOptions.Compiled);

    private static readonly Regex SummaryLine = new(
        $@"^\s*{Regex.Escape(ReportProtocol.Summary)}\s+(?<n>\d+)\s+{Regex.Escape(ReportProtocol.SummaryPassed)}\s+(?<m>\d+)\s+{Regex.Escape(ReportProtocol.SummaryFailed)}\s*$",
        RegexOptions.Compiled);

    private static readonly Regex PlanLine = new($@"^\s*{Regex.Escape(ReportProtocol.Plan)}(?<names>.*)$", RegexOptions.Compiled);

    // CSI sequences (ESC [ params final), two-byte ESC sequences such as ESC ( B, and OSC strings.
    [GeneratedRegex(@"\x1B(?:\[[0-9;?=<>]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)?|[()][0-9A-Za-z]|[@-Z\\-_])")]
    private static partial Regex AnsiEscape();

    /// <summary>Splits on \n and \r, strips ANSI escapes and other control characters, drops empty lines.</summary>
    public static List<string> CleanLines(string raw)
    {
        var text = AnsiEscape().Replace(raw, "\n");
        var lines = new List<string>();
        foreach (var piece in text.Split('\n', '\r'))
        {
            var sb = new StringBuilder(piece.Length);
            foreach (var c in piece)
                if (c == '\t' || (c >= ' ' && c != '\x7F'))
                    sb.Append(c);
            var line = sb.ToString().TrimEnd();
            if (line.Trim().Length > 0)
                lines.Add(line);
        }
        return lines;
    }

    public static SerialReport Parse(string raw)
    {
        var lines = CleanLines(raw);
        var tests = new List<SelfTestResult>();
        var duplicates = new List<string>();
        int? passed = null, failed = null;
        int summaries = 0, panicStart = -1, plans = 0;
        List<string>? planned = null;

        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var plan = PlanLine.Match(line);
            if (plan.Success)
            {
                plans++;
                planned ??= plan.Groups["names"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                continue;
            }
            var s = SummaryLine.Match(line);
            if (s.Success)
            {
                summaries++;
                passed = int.Parse(s.Groups["n"].Value);
                failed = int.Parse(s.Groups["m"].Value);
                continue;
            }
            var t = TestLine.Match(line);
            if (t.Success)
            {
                var outcome = t.Groups["kind"].Value switch
                {
                    ReportProtocol.Pass => SelfTestOutcome.Pass,
                    ReportProtocol.Fail => SelfTestOutcome.Fail,
                    _ => SelfTestOutcome.XFail,
                };
                var name = t.Groups["name"].Value;
                if (tests.Any(x => x.Name == name) && !duplicates.Contains(name))
                    duplicates.Add(name);
                ulong? cycles = t.Groups["cycles"].Success ? ulong.Parse(t.Groups["cycles"].Value) : null;
                tests.Add(new SelfTestResult(name, outcome, t.Groups["msg"].Value, i, cycles,
                    t.Groups["unit"].Value == ReportProtocol.EmulatedCycles));
            }
            if (panicStart < 0 && line.Contains("PANIC", StringComparison.Ordinal))
                panicStart = i;
        }

        var panic = panicStart < 0 ? new List<string>() : lines.Skip(panicStart).Take(60).ToList();
        return new SerialReport(lines, tests, passed, failed, summaries, panic, duplicates, planned, plans);
    }

    /// <summary>The last <paramref name="count"/> cleaned lines, for failure messages.</summary>
    public string Tail(int count = 40)
    {
        var skip = Math.Max(0, Lines.Count - count);
        var sb = new StringBuilder();
        if (skip > 0)
            sb.Append("  ... (").Append(skip).Append(" earlier lines)\n");
        foreach (var l in Lines.Skip(skip))
            sb.Append("  | ").Append(l).Append('\n');
        return sb.ToString();
    }
}
