using System.Text;
using BuddyOS.Protocol;

namespace BuddyOS.Tests.Kernel;

/// <summary>One way to boot the ISO: firmware, machine type, memory, and the kernel command line variant.</summary>
public sealed record BootConfig(string Name, Firmware Firmware, string Machine, int MemoryMiB, string Cmdline, TimeSpan Timeout)
{
    public static BootConfig Create(Firmware firmware, string machine, int memoryMiB, string cmdline = "", TimeSpan? timeout = null, string? name = null)
    {
        var mem = memoryMiB % 1024 == 0 ? $"{memoryMiB / 1024}G" : $"{memoryMiB}M";
        var fw = firmware == Firmware.Bios ? "bios" : "uefi";
        return new BootConfig(name ?? $"{fw}-{machine}-{mem}", firmware, machine, memoryMiB, cmdline,
            timeout ?? QemuLauncher.DefaultTimeout);
    }

    public override string ToString() =>
        $"{Name} ({Firmware}, -machine {Machine}, -m {MemoryMiB}, cmdline \"{Cmdline}\", timeout {Timeout.TotalSeconds:0} s)";
}

public enum BootVerdict
{
    /// <summary>The all-passed status, one plan line with every planned test reported, a closing line with M == 0 and N == number of [PASS] lines > 0, no [FAIL], no panic.</summary>
    Passed,
    /// <summary>A self-test failed (status 35, a [FAIL] line or M > 0) without a panic.</summary>
    Failed,
    /// <summary>The kernel printed PANIC or exited with the panic status.</summary>
    Panicked,
    /// <summary>Still running when the timeout ran out; QEMU was killed.</summary>
    Hung,
    /// <summary>The firmware (OVMF) or GRUB failed before the kernel ran (see <see cref="BootResult.LoaderFailure"/>).</summary>
    LoaderFailed,
    /// <summary>Anything else: status 0 (triple fault under -no-reboot), an unknown status, or an inconsistent report.</summary>
    Broken,
    /// <summary>QEMU could not be started, or the ISO could not be built.</summary>
    NotRun,
}

/// <summary>Everything one boot produced.</summary>
public sealed class BootResult
{
    public required BootConfig Config { get; init; }
    public required string IsoPath { get; init; }
    /// <summary>What QEMU did (BuddyOS.Qemu); the properties below read it.</summary>
    public required QemuRun Run { get; init; }
    public string SerialLogPath { get; init; } = "";
    /// <summary>Why the boot never reached QEMU (build or ISO failure), or the launcher's own setup error.</summary>
    public string? SetupError { get => _setupError ?? Run.SetupError; init => _setupError = value; }
    private readonly string? _setupError;

    public string CommandLine => Run.Command;
    public int? ExitStatus => Run.ExitStatus;
    public bool Hung => Run.Hung;
    /// <summary>Set when the serial log showed the firmware or GRUB giving up; QEMU was then stopped at once.</summary>
    public string? LoaderFailure => Run.LoaderFailure;
    public TimeSpan Duration => Run.Duration;
    public string SerialLog => Run.Serial;
    public string QemuStderr => Run.Stderr;
    /// <summary>Wall time from the kernel's first line to its closing line (the boot budget's measure).</summary>
    public TimeSpan? KernelToClosingLine => Run.KernelToClosingLine;
    /// <summary>QEMU's CPU time over the same stretch: what the budget holds, since it does not grow with the host's load.</summary>
    public TimeSpan? KernelToClosingLineCpu => Run.KernelToClosingLineCpu;
    public required SerialReport Report { get; init; }

    public static string DescribeStatus(int? status) => QemuLauncher.DescribeStatus(status);

    public BootVerdict Verdict
    {
        get
        {
            if (SetupError != null) return BootVerdict.NotRun;
            if (Hung) return BootVerdict.Hung;
            if (LoaderFailure != null) return BootVerdict.LoaderFailed;
            var r = Report;
            if (r.Panicked || ExitStatus == ReportProtocol.PanickedStatus) return BootVerdict.Panicked;
            if (ExitStatus == ReportProtocol.TestsFailedStatus || r.FailLines > 0 || r.SummaryFailed > 0) return BootVerdict.Failed;
            if (ExitStatus == ReportProtocol.AllPassedStatus && r.SummaryLineCount == 1 && r.SummaryFailed == 0 && r.SummaryPassed > 0
                && r.SummaryPassed == r.PassLines && r.DuplicateNames.Count == 0 && r.ResultsMatchPlan)
                return BootVerdict.Passed;
            return BootVerdict.Broken;
        }
    }

    /// <summary>A readable report: the parsed results, then the serial tail. Every failure message carries it.</summary>
    public string Describe(int tailLines = 40)
    {
        var r = Report;
        var sb = new StringBuilder();
        sb.Append("---- boot ").Append(Config).Append('\n');
        sb.Append("verdict: ").Append(Verdict).Append('\n');
        if (SetupError != null)
            sb.Append("setup error:\n").Append(SetupError.TrimEnd()).Append('\n');
        sb.Append("qemu status: ").Append(DescribeStatus(ExitStatus))
          .Append(Hung ? $"; HUNG: killed after {Config.Timeout.TotalSeconds:0} s" : "")
          .Append(LoaderFailure != null ? $"; stopped: {LoaderFailure}" : "")
          .Append($"; {Duration.TotalSeconds:0.0} s\n");
        sb.Append("plan: ").Append(r.Plan == null ? "MISSING" : string.Join(" ", r.Plan))
          .Append(r.PlanLineCount > 1 ? $" (seen {r.PlanLineCount} times)" : "").Append('\n');
        if (r.Plan != null && !r.ResultsMatchPlan)
            sb.Append("results do not match the plan: reported ").Append(string.Join(" ", r.Tests.Select(t => t.Name))).Append('\n');
        if (KernelToClosingLine is { } budget)
            sb.Append($"first kernel line to closing line: {budget.TotalSeconds:0.00} s wall time, {KernelToClosingLineCpu?.TotalSeconds:0.00} s of QEMU's CPU time\n");
        sb.Append("closing line: ").Append(r.HasSummary
            ? $"{r.SummaryPassed} passed, {r.SummaryFailed} failed" + (r.SummaryLineCount > 1 ? $" (seen {r.SummaryLineCount} times)" : "")
            : "MISSING").Append('\n');
        sb.Append($"results: {r.PassLines} PASS, {r.FailLines} FAIL, {r.XFailLines} XFAIL\n");
        foreach (var t in r.Tests)
            sb.Append("  ").Append(t).Append('\n');
        if (r.DuplicateNames.Count > 0)
            sb.Append("reported more than once: ").Append(string.Join(", ", r.DuplicateNames)).Append('\n');
        if (r.Panicked)
            sb.Append("panic:\n").Append(string.Join("\n", r.PanicLines.Take(12).Select(l => "  ! " + l))).Append('\n');
        if (QemuStderr.Trim().Length > 0)
            sb.Append("qemu stderr:\n  ").Append(QemuStderr.Trim().Replace("\n", "\n  ")).Append('\n');
        sb.Append("iso: ").Append(IsoPath).Append('\n');
        sb.Append("command: ").Append(CommandLine).Append('\n');
        if (SerialLogPath.Length > 0)
            sb.Append("serial log: ").Append(SerialLogPath).Append('\n');
        sb.Append("serial tail (cleaned):\n").Append(r.Lines.Count == 0 ? "  (no serial output)\n" : r.Tail(tailLines));
        return sb.ToString();
    }

    public override string ToString() => $"{Config.Name}: {Verdict}";
}

/// <summary>Boots a configuration through the launcher run.sh uses too (BuddyOS.Qemu), serial log kept.</summary>
public static class QemuRunner
{
    public static async Task<BootResult> BootAsync(BootConfig config, string iso, string logDir)
    {
        Directory.CreateDirectory(logDir);
        var serialPath = Path.Combine(logDir, config.Name + ".serial.log");
        File.Delete(serialPath);
        var run = await QemuLauncher.BootAsync(new QemuOptions(iso)
        {
            Firmware = config.Firmware,
            Machine = config.Machine,
            MemoryMiB = config.MemoryMiB,
            Timeout = config.Timeout,
            SerialLog = serialPath,
        });
        return new BootResult
        {
            Config = config,
            IsoPath = iso,
            Run = run,
            SerialLogPath = run.SetupError == null ? serialPath : "",
            Report = SerialReport.Parse(run.Serial),
        };
    }
}
