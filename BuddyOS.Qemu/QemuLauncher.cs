using BuddyOS.Protocol;

namespace BuddyOS.Qemu;

public enum Firmware { Bios, Uefi }

/// <summary>Where COM1 goes: a file on QEMU's stdout (a boot report), QEMU's stdin/stdout as pipes (a test driving
/// the shell), or this terminal with QEMU's monitor multiplexed on it (a person at the shell: Ctrl-A X quits).</summary>
public enum SerialMode { File, Pipe, Terminal }

/// <summary>How to boot: the ISO, the firmware, the machine, and how long it may take.</summary>
public sealed record QemuOptions(string Iso)
{
    public Firmware Firmware { get; init; } = Firmware.Bios;
    public string Machine { get; init; } = "pc";
    public int MemoryMiB { get; init; } = 128;
    /// <summary>Null: no limit (a gdb session).</summary>
    public TimeSpan? Timeout { get; init; } = QemuLauncher.DefaultTimeout;
    /// <summary>QEMU halts before the first instruction and waits for gdb on localhost:1234.</summary>
    public bool WaitForGdb { get; init; }
    /// <summary>Where the serial output is saved after the boot (null: not saved).</summary>
    public string? SerialLog { get; init; }
    /// <summary>Receives the serial output as it arrives.</summary>
    public Action<string>? Echo { get; init; }
    public SerialMode Serial { get; init; } = SerialMode.File;
    /// <summary>A Unix socket for QEMU's human monitor (sendkey), or null for no monitor.</summary>
    public string? MonitorSocket { get; init; }
    /// <summary>A Unix socket for QMP (its SHUTDOWN event tells a user's Ctrl-A X from a triple fault), or null.</summary>
    public string? QmpSocket { get; init; }
}

/// <summary>What one boot did.</summary>
public sealed class QemuRun
{
    public required string Command { get; init; }
    /// <summary>QEMU's exit status; null when it was killed (timeout, loader failure) or not started.</summary>
    public int? ExitStatus { get; init; }
    public bool Hung { get; init; }
    public string? LoaderFailure { get; init; }
    public string? SetupError { get; init; }
    public TimeSpan Duration { get; init; }
    public string Serial { get; init; } = "";
    public string Stderr { get; init; } = "";
    /// <summary>Wall time from the kernel's first line to its closing line, as the serial output arrived.</summary>
    public TimeSpan? KernelToClosingLine { get; init; }
    /// <summary>QEMU's CPU time over the same stretch: the wall time of an idle machine, whatever else runs beside it.</summary>
    public TimeSpan? KernelToClosingLineCpu { get; init; }
}

/// <summary>
/// The one QEMU command line for BuddyOS (TCG; serial on QEMU's standard output; the exit device at the
/// protocol's port), its firmware lookup, and the serial output that means the boot died before the kernel.
/// </summary>
public static class QemuLauncher
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    public const string Binary = "qemu-system-x86_64";

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

    /// <summary>Time OVMF gets to finish its register dump before QEMU is stopped.</summary>
    private static readonly TimeSpan LoaderFailureGrace = TimeSpan.FromMilliseconds(500);

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

    public static List<string> Arguments(QemuOptions options, string ovmf)
    {
        var args = new List<string> { "-machine", options.Machine, "-m", options.MemoryMiB.ToString() };
        if (options.Firmware == Firmware.Uefi)
            // -bios with the combined image: no NVRAM file to copy, works with both pc and q35.
            args.AddRange(new[] { "-bios", ovmf });
        args.AddRange(new[] { "-cdrom", options.Iso, "-display", "none" });
        if (options.MonitorSocket != null)
            args.AddRange(new[] { "-monitor", $"unix:{options.MonitorSocket},server=on,wait=off" });
        else if (options.Serial != SerialMode.Terminal)
            args.AddRange(new[] { "-monitor", "none" });
        if (options.QmpSocket != null)
            args.AddRange(new[] { "-qmp", $"unix:{options.QmpSocket},server=on,wait=off" });
        args.AddRange(new[]
        {
            "-no-reboot",
            "-nic", "none",
            // File: COM1 to QEMU's stdout as a plain file, no terminal raw mode, stdin untouched.
            "-serial", options.Serial switch { SerialMode.Pipe => "stdio", SerialMode.Terminal => "mon:stdio", _ => "file:/dev/stdout" },
            "-device", $"isa-debug-exit,iobase=0x{ReportProtocol.ExitPort:x},iosize=0x04",
        });
        if (options.WaitForGdb)
            args.AddRange(new[] { "-s", "-S" });
        return args;
    }

    public static string DescribeStatus(int? status) => status switch
    {
        null => "none (killed or not started)",
        ReportProtocol.AllPassedStatus => $"{status} (all self-tests passed)",
        ReportProtocol.TestsFailedStatus => $"{status} (a self-test failed)",
        ReportProtocol.PanickedStatus => $"{status} (kernel panic)",
        ReportProtocol.UserHaltStatus => $"{status} (stopped by the user: halt)",
        ReportProtocol.UserRebootStatus => $"{status} (stopped by the user: reboot)",
        ReportProtocol.KernelStoppedStatus => $"{status} (the kernel stopped: Kernel.Stop)",
        0 => "0 (QEMU quit without the debug-exit device: triple fault under -no-reboot, or shutdown)",
        var s => $"{s} (unexpected)",
    };

    /// <summary>
    /// How an interactive session ended, from QEMU's status and QMP's shutdown reason: a person's `halt`, `reboot`
    /// or Ctrl-A X is a normal end (true); a triple fault, a panic or anything unexplained is not.
    /// </summary>
    public static (bool Normal, string Text) DescribeShellEnd(int? status, string? shutdownReason) => (status, shutdownReason) switch
    {
        (ReportProtocol.UserHaltStatus, _) => (true, "stopped by the user (halt)"),
        (ReportProtocol.UserRebootStatus, _) => (true, "stopped by the user (reboot)"),
        (ReportProtocol.KernelStoppedStatus, _) => (true, "the kernel stopped (Kernel.Stop)"),
        (0, "host-qmp-quit" or "host-ui" or "host-signal") => (true, $"stopped by the user (QEMU quit: Ctrl-A X; QMP reason {shutdownReason})"),
        (0, "guest-reset") => (false, "QEMU status 0 after a reset the kernel did not announce: a triple fault (QMP reason guest-reset)"),
        (0, _) => (false, $"QEMU status 0 (QMP reason {shutdownReason ?? "none"}): not a stop the user asked for"),
        _ => (status == ReportProtocol.AllPassedStatus, $"QEMU status {DescribeStatus(status)}"),
    };

    public static string Quote(string a) => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+".Contains(c)) ? a : $"'{a}'";

    /// <summary>QEMU's path and arguments for these options, or why it cannot start.</summary>
    public static (string? Qemu, List<string> Args, string? Error) Prepare(QemuOptions options)
    {
        var qemu = FindOnPath(Binary);
        if (qemu == null)
            return (null, new(), $"{Binary} not found on PATH: run scripts/install-deps.sh (package qemu-system-x86).");
        string ovmf = "";
        if (options.Firmware == Firmware.Uefi && (ovmf = FindOvmf() ?? "") == "")
            return (null, new(), "OVMF.fd not found (looked in /usr/share/ovmf, /usr/share/OVMF; or set BUDDYOS_OVMF): run scripts/install-deps.sh (package ovmf).");
        if (!File.Exists(options.Iso))
            return (null, new(), $"ISO {options.Iso} does not exist.");
        return (qemu, Arguments(options, ovmf), null);
    }

    public static async Task<QemuRun> BootAsync(QemuOptions options)
    {
        QemuRun NotRun(string error, string command = "") => new() { Command = command, SetupError = error };

        var (qemu, args, error) = Prepare(options);
        if (qemu == null)
            return NotRun(error!);
        var command = qemu + " " + string.Join(" ", args.Select(Quote));
        var run = await ProcessRunner.RunAsync(qemu, args, timeout: options.Timeout, watch: LoaderFailureIn,
            stopGrace: LoaderFailureGrace, echo: options.Echo);
        if (run.StartError != null)
            return NotRun(run.StartError, command);
        if (options.SerialLog != null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.SerialLog))!);
            File.WriteAllText(options.SerialLog, run.Stdout, System.Text.Encoding.UTF8);
        }
        var closingLine = ClosingLine(run);
        var up = run.ArrivalOf(ReportProtocol.KernelUp);
        var closing = closingLine == null ? null : run.ArrivalOf(closingLine);
        var upCpu = run.CpuAtArrivalOf(ReportProtocol.KernelUp);
        var closingCpu = closingLine == null ? null : run.CpuAtArrivalOf(closingLine);
        return new QemuRun
        {
            Command = command,
            ExitStatus = run.ExitCode,
            Hung = run.TimedOut,
            LoaderFailure = run.StoppedBecause,
            Duration = run.Duration,
            Serial = run.Stdout,
            Stderr = run.Stderr,
            KernelToClosingLine = up.HasValue && closing.HasValue ? closing - up : null,
            KernelToClosingLineCpu = upCpu.HasValue && closingCpu.HasValue ? closingCpu - upCpu : null,
        };
    }

    private static string? LoaderFailureIn(string serial)
    {
        foreach (var (marker, meaning) in LoaderFailureMarkers)
            if (serial.Contains(marker, StringComparison.Ordinal))
                return meaning;
        return null;
    }

    // The closing line with its newline: it has arrived when its last character has.
    private static string? ClosingLine(ProcessOutcome run)
    {
        int start = run.Stdout.IndexOf(ReportProtocol.Summary + " ", StringComparison.Ordinal);
        if (start < 0) return null;
        int end = run.Stdout.IndexOf('\n', start);
        return end < 0 ? null : run.Stdout[start..(end + 1)];
    }
}
