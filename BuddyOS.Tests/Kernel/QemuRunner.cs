using System.Diagnostics;
using System.Text;

namespace BuddyOS.Tests.Kernel;

public enum Firmware { Bios, Uefi }

/// <summary>One way to boot the ISO: firmware, machine type, memory, and the kernel command line variant.</summary>
public sealed record BootConfig(string Name, Firmware Firmware, string Machine, int MemoryMiB, string Cmdline, TimeSpan Timeout)
{
    public static BootConfig Create(Firmware firmware, string machine, int memoryMiB, string cmdline = "", TimeSpan? timeout = null, string? name = null)
    {
        var mem = memoryMiB % 1024 == 0 ? $"{memoryMiB / 1024}G" : $"{memoryMiB}M";
        var fw = firmware == Firmware.Bios ? "bios" : "uefi";
        return new BootConfig(name ?? $"{fw}-{machine}-{mem}", firmware, machine, memoryMiB, cmdline,
            timeout ?? QemuRunner.DefaultBootTimeout);
    }

    public override string ToString() =>
        $"{Name} ({Firmware}, -machine {Machine}, -m {MemoryMiB}, cmdline \"{Cmdline}\", timeout {Timeout.TotalSeconds:0} s)";
}

public enum BootVerdict
{
    /// <summary>Status 33, a closing line with M == 0 and N == number of [PASS] lines > 0, no [FAIL], no panic.</summary>
    Passed,
    /// <summary>A self-test failed (status 35, a [FAIL] line or M > 0) without a panic.</summary>
    Failed,
    /// <summary>The kernel printed PANIC or exited with status 37.</summary>
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
    public required string CommandLine { get; init; }
    public int? ExitStatus { get; init; }
    public bool Hung { get; init; }
    /// <summary>Set when the serial log showed the firmware or GRUB giving up; QEMU was then stopped at once.</summary>
    public string? LoaderFailure { get; init; }
    public TimeSpan Duration { get; init; }
    public string SerialLog { get; init; } = "";
    public string SerialLogPath { get; init; } = "";
    public string QemuStderr { get; init; } = "";
    public string? SetupError { get; init; }
    public required SerialReport Report { get; init; }

    public static string DescribeStatus(int? status) => status switch
    {
        null => "none (killed or not started)",
        33 => "33 (all self-tests passed)",
        35 => "35 (a self-test failed)",
        37 => "37 (kernel panic)",
        0 => "0 (QEMU quit without the debug-exit device: triple fault under -no-reboot, or shutdown)",
        var s => $"{s} (unexpected)",
    };

    public BootVerdict Verdict
    {
        get
        {
            if (SetupError != null) return BootVerdict.NotRun;
            if (Hung) return BootVerdict.Hung;
            if (LoaderFailure != null) return BootVerdict.LoaderFailed;
            var r = Report;
            if (r.Panicked || ExitStatus == 37) return BootVerdict.Panicked;
            if (ExitStatus == 35 || r.FailLines > 0 || r.SummaryFailed > 0) return BootVerdict.Failed;
            if (ExitStatus == 33 && r.SummaryLineCount == 1 && r.SummaryFailed == 0 && r.SummaryPassed > 0
                && r.SummaryPassed == r.PassLines && r.DuplicateNames.Count == 0)
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

/// <summary>Boots an ISO in QEMU (TCG) with the serial port captured to a file.</summary>
public static class QemuRunner
{
    public static readonly TimeSpan DefaultBootTimeout = TimeSpan.FromSeconds(60);
    public const string QemuBinary = "qemu-system-x86_64";
    /// <summary>
    /// Serial output that means the boot died before the kernel: OVMF's exception dump (OVMF spins after it) and
    /// GRUB giving up (it then waits for a key in its menu). The boot is stopped as soon as one shows up.
    /// </summary>
    public static readonly (string Marker, string Meaning)[] LoaderFailureMarkers =
    {
        ("!!!! X64 Exception", "OVMF raised an exception of its own"),
        // GRUB's error for a failed multiboot2 load (the line before says why); it then waits for keys.
        ("error: you need to load the kernel first", "GRUB could not load the kernel"),
        ("Failed to boot both default and fallback entries", "GRUB could not boot the kernel"),
    };

    public static string? FindOvmf()
    {
        var env = Environment.GetEnvironmentVariable("BUDDYOS_OVMF");
        if (!string.IsNullOrEmpty(env)) return env;
        foreach (var p in new[] { "/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF.fd", "/usr/share/qemu/OVMF.fd" })
            if (File.Exists(p)) return p;
        return null;
    }

    public static string? FindOnPath(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, tool);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    public static List<string> Arguments(BootConfig config, string iso, string serialLog, string ovmf)
    {
        var args = new List<string>
        {
            "-machine", config.Machine,
            "-m", config.MemoryMiB.ToString(),
        };
        if (config.Firmware == Firmware.Uefi)
            // -bios with the combined image: no NVRAM file to copy, works with both pc and q35.
            args.AddRange(new[] { "-bios", ovmf });
        args.AddRange(new[]
        {
            "-cdrom", iso,
            "-display", "none",
            "-monitor", "none",
            "-no-reboot",
            "-nic", "none",
            "-serial", "file:" + serialLog,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        });
        return args;
    }

    private static string Quote(string a) => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+".Contains(c)) ? a : $"'{a}'";

    public static async Task<BootResult> BootAsync(BootConfig config, string iso, string logDir)
    {
        Directory.CreateDirectory(logDir);
        var serialPath = Path.Combine(logDir, config.Name + ".serial.log");
        File.Delete(serialPath);

        BootResult NotRun(string error, string command = "") => new()
        {
            Config = config, IsoPath = iso, CommandLine = command, SetupError = error,
            Report = SerialReport.Parse(""),
        };

        var qemu = FindOnPath(QemuBinary);
        if (qemu == null)
            return NotRun($"{QemuBinary} not found on PATH: run scripts/install-deps.sh (package qemu-system-x86).");
        string ovmf = "";
        if (config.Firmware == Firmware.Uefi && (ovmf = FindOvmf() ?? "") == "")
            return NotRun("OVMF.fd not found (looked in /usr/share/ovmf, /usr/share/OVMF; or set BUDDYOS_OVMF): run scripts/install-deps.sh (package ovmf).");
        if (!File.Exists(iso))
            return NotRun($"ISO {iso} does not exist.");

        var args = Arguments(config, iso, serialPath, ovmf);
        var command = qemu + " " + string.Join(" ", args.Select(Quote));
        var psi = new ProcessStartInfo(qemu)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);

        var stderr = new StringBuilder();
        var sw = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        try
        {
            p.Start();
        }
        catch (Exception ex)
        {
            return NotRun($"could not start QEMU: {ex.Message}", command);
        }
        p.StandardInput.Close();
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();

        bool hung = false;
        string? loaderFailure = null;
        var exited = p.WaitForExitAsync();
        while (true)
        {
            var left = config.Timeout - sw.Elapsed;
            if (left <= TimeSpan.Zero) { hung = true; break; }
            var tick = Task.Delay(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250));
            if (await Task.WhenAny(exited, tick) == exited) break;
            var sofar = ReadSerial(serialPath);
            foreach (var (marker, meaning) in LoaderFailureMarkers)
                if (sofar.Contains(marker, StringComparison.Ordinal))
                    loaderFailure = meaning;
            if (loaderFailure != null)
            {
                await Task.Delay(500); // let OVMF finish its register dump
                break;
            }
        }
        if (hung || loaderFailure != null)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await p.WaitForExitAsync();
        }
        else
        {
            await exited;
        }
        sw.Stop();
        var serial = ReadSerial(serialPath);
        string err;
        lock (stderr) err = stderr.ToString();
        return new BootResult
        {
            Config = config,
            IsoPath = iso,
            CommandLine = command,
            ExitStatus = hung || loaderFailure != null ? null : p.ExitCode,
            Hung = hung,
            LoaderFailure = loaderFailure,
            Duration = sw.Elapsed,
            SerialLog = serial,
            SerialLogPath = serialPath,
            QemuStderr = err,
            Report = SerialReport.Parse(serial),
        };
    }

    private static string ReadSerial(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var sr = new StreamReader(fs, Encoding.Latin1);
            return sr.ReadToEnd();
        }
        catch (FileNotFoundException) { return ""; }
        catch (DirectoryNotFoundException) { return ""; }
    }
}
