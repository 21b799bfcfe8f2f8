using BuddyOS.Protocol;
using BuddyOS.Qemu;

// buddyqemu [--uefi] [--gdb] [--shell] [--machine M] [--memory MiB] [--timeout S] [--log FILE] ISO
// Boots the ISO with the serial output on this terminal; exits 0 only when QEMU reports that every self-test passed.
// --shell: COM1 is this terminal both ways (an ISO packed with the kernel's `shell` option gives a prompt);
// Ctrl-A X quits QEMU, Ctrl-A C switches to its monitor. `halt`, `reboot` and Ctrl-A X exit 0 ("stopped by
// the user"); a triple fault or a panic exits 1.
const string Usage = "usage: buddyqemu [--uefi] [--gdb] [--shell] [--machine pc|q35] [--memory MiB] [--timeout SECONDS] [--log FILE] ISO";
bool shell = false;
string? iso = null;
var options = new QemuOptions("");
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--uefi": options = options with { Firmware = Firmware.Uefi }; break;
            case "--gdb": options = options with { WaitForGdb = true, Timeout = null }; break;
            case "--shell": shell = true; break;
            case "--machine": options = options with { Machine = Next() }; break;
            case "--memory": options = options with { MemoryMiB = int.Parse(Next()) }; break;
            case "--timeout": options = options with { Timeout = TimeSpan.FromSeconds(double.Parse(Next())) }; break;
            case "--log": options = options with { SerialLog = Next() }; break;
            default:
                if (args[i].StartsWith('-') || iso != null) throw new ArgumentException($"unknown argument {args[i]}");
                iso = args[i];
                break;
        }
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException)
    {
        Console.Error.WriteLine($"buddyqemu: {ex.Message}\n{Usage}");
        return 2;
    }
}
if (iso == null)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

if (options.WaitForGdb)
{
    Console.WriteLine("QEMU is waiting for gdb. In another terminal:");
    Console.WriteLine("  gdb out/kernel.elf -ex 'target remote localhost:1234' -ex 'break kmain' -ex continue");
}
if (shell)
{
    // QMP beside the terminal: its shutdown reason tells a person's Ctrl-A X from a triple fault (both exit 0).
    var qmp = Path.Combine(Path.GetTempPath(), $"buddyqemu-{Environment.ProcessId}-qmp.sock");
    var (qemu, qemuArgs, error) = QemuLauncher.Prepare(options with { Iso = iso, Serial = SerialMode.Terminal, QmpSocket = qmp });
    if (qemu == null)
    {
        Console.Error.WriteLine($"buddyqemu: {error}");
        return 1;
    }
    Console.WriteLine("buddyqemu: COM1 is on this terminal (the BuddyOS shell: `halt`; any kernel: Ctrl-A X quits QEMU).");
    // The terminal itself, not pipes: QEMU sets it raw so keys reach COM1 one at a time.
    using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(qemu, qemuArgs) { UseShellExecute = false })!;
    await using var events = await QmpEvents.ConnectAsync(qmp, TimeSpan.FromSeconds(10));
    await process.WaitForExitAsync();
    await events.DrainAsync(TimeSpan.FromSeconds(2));
    try { File.Delete(qmp); } catch (IOException) { }
    var (normal, text) = QemuLauncher.DescribeShellEnd(process.ExitCode, events.ShutdownReason);
    Console.WriteLine($"\nbuddyqemu: {text}" + (events.Error != null ? $" ({events.Error})" : ""));
    return normal ? 0 : 1;
}

var run = await QemuLauncher.BootAsync(options with { Iso = iso, Echo = text => Console.Write(text) });
Console.Out.Flush();
if (run.SetupError != null)
{
    Console.Error.WriteLine($"buddyqemu: {run.SetupError}");
    return 1;
}
if (run.KernelToClosingLine is { } t)
    Console.WriteLine($"buddyqemu: first kernel line to closing line: {t.TotalSeconds:0.00} s wall time, " +
        $"{run.KernelToClosingLineCpu?.TotalSeconds:0.00} s of QEMU's CPU time");
if (run.Hung)
    Console.Error.WriteLine($"buddyqemu: HUNG: killed after {options.Timeout?.TotalSeconds:0} s");
else if (run.LoaderFailure != null)
    Console.Error.WriteLine($"buddyqemu: the boot died before the kernel: {run.LoaderFailure}");
else if (run.ExitStatus == ReportProtocol.AllPassedStatus)
{
    Console.WriteLine("buddyqemu: all self-tests passed");
    return 0;
}
else
    Console.Error.WriteLine($"buddyqemu: QEMU status {QemuLauncher.DescribeStatus(run.ExitStatus)}");
return 1;
