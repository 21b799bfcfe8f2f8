using System.Text;
using System.Text.RegularExpressions;

namespace BuddyOS.Tests.Kernel;

public enum SelfTestOutcome { Pass, Fail, XFail }

/// <summary>One <c>[PASS] name</c>, <c>[FAIL] name: message</c> or <c>[XFAIL] name: reason</c> line.</summary>
public sealed record SelfTestResult(string Name, SelfTestOutcome Outcome, string Message, int LineIndex)
{
    public override string ToString() => Outcome switch
    {
        SelfTestOutcome.Pass => $"[PASS] {Name}" + (Message.Length > 0 ? $" {Message}" : ""),
        SelfTestOutcome.Fail => $"[FAIL] {Name}: {Message}",
        _ => $"[XFAIL] {Name}: {Message}",
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

    public bool Panicked => PanicLines.Count > 0;
    public bool HasSummary => SummaryPassed.HasValue;
    public string PanicText => string.Join("\n", PanicLines);
    public int PassLines => Tests.Count(t => t.Outcome == SelfTestOutcome.Pass);
    public int FailLines => Tests.Count(t => t.Outcome == SelfTestOutcome.Fail);
    public int XFailLines => Tests.Count(t => t.Outcome == SelfTestOutcome.XFail);

    private SerialReport(List<string> lines, List<SelfTestResult> tests, int? passed, int? failed, int summaries,
        List<string> panic, List<string> duplicates)
    {
        Lines = lines;
        Tests = tests;
        SummaryPassed = passed;
        SummaryFailed = failed;
        SummaryLineCount = summaries;
        PanicLines = panic;
        DuplicateNames = duplicates;
    }

    public SelfTestResult? Find(string name) => Tests.FirstOrDefault(t => t.Name == name);

    // "[PASS] name", "[FAIL] name: message", "[XFAIL] name: reason". Firmware junk without a newline may
    // precede the marker, so it is found anywhere after a line start or whitespace.
    [GeneratedRegex(@"(?:^|\s)\[(?<kind>PASS|FAIL|XFAIL)\]\s+(?<name>[^\s:]+)\s*(?::\s*(?<msg>.*?))?\s*$")]
    private static partial Regex TestLine();

    [GeneratedRegex(@"^\s*selftest:\s+(?<n>\d+)\s+passed,\s+(?<m>\d+)\s+failed\s*$")]
    private static partial Regex SummaryLine();

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
        int summaries = 0, panicStart = -1;

        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var s = SummaryLine().Match(line);
            if (s.Success)
            {
                summaries++;
                passed = int.Parse(s.Groups["n"].Value);
                failed = int.Parse(s.Groups["m"].Value);
                continue;
            }
            var t = TestLine().Match(line);
            if (t.Success)
            {
                var outcome = t.Groups["kind"].Value switch
                {
                    "PASS" => SelfTestOutcome.Pass,
                    "FAIL" => SelfTestOutcome.Fail,
                    _ => SelfTestOutcome.XFail,
                };
                var name = t.Groups["name"].Value;
                if (tests.Any(x => x.Name == name) && !duplicates.Contains(name))
                    duplicates.Add(name);
                tests.Add(new SelfTestResult(name, outcome, t.Groups["msg"].Value, i));
            }
            if (panicStart < 0 && line.Contains("PANIC", StringComparison.Ordinal))
                panicStart = i;
        }

        var panic = panicStart < 0 ? new List<string>() : lines.Skip(panicStart).Take(60).ToList();
        return new SerialReport(lines, tests, passed, failed, summaries, panic, duplicates);
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
