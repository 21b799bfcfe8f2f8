using System.Diagnostics;
using System.Text.RegularExpressions;
using BuddyOS.Protocol;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// The interactive kernel: the shell driven over COM1 and the PS/2 keyboard, the PIT's clock against the host's,
/// interrupts kept busy while the self-tests run, and a fault inside an interrupt handler.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed partial class KernelShellTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    public static readonly BootConfig CrashIrq =
        BootConfig.Create(Firmware.Bios, "pc", 32, "crash=irq", name: "bios-pc-32M-crash_irq");
    /// <summary>A timer 100 times the default rate: an interrupt every 100 us of guest time, all through the self-tests.</summary>
    public const string StormCmdline = "timer.hz=10000";

    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelShellTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [GeneratedRegex(@"^allocated 100 bytes at (?<address>0x[0-9A-F]+) \(block of (?:112 bytes, a slot of the object cache|128 bytes, order 3)\)$", RegexOptions.Multiline)]
    private static partial Regex Allocated();

    [GeneratedRegex(@"^uptime: (?<ms>\d+) ms \((?<ticks>\d+) ticks at (?<hz>\d+) Hz\)$", RegexOptions.Multiline)]
    private static partial Regex UptimeLine();

    [GeneratedRegex(@"interrupts: .*PIT at (?<hz>\d+) Hz; (?<timer>\d+) timer, (?<keyboard>\d+) keyboard, (?<serial>\d+) serial, (?<spurious>\d+) spurious; (?<dropped>\d+) input bytes dropped")]
    private static partial Regex InterruptsLine();

    /// <summary>Boots the `shell` ISO variant in a QEMU slot and runs <paramref name="script"/> at its first prompt.</summary>
    private async Task<T> WithShell<T>(string cmdline, Func<QemuShell, Task<T>> script)
    {
        var iso = await _fixture.Iso(cmdline);
        if (iso.Iso == null)
            throw new XunitException($"no ISO for \"{cmdline}\":\n{iso.Error}");
        return await _fixture.InQemuSlot(async () =>
        {
            await using var shell = QemuShell.Start(new QemuOptions(iso.Iso) { Machine = "pc", MemoryMiB = 32 });
            try
            {
                return await script(shell);
            }
            catch (Exception e) when (e is XunitException or TimeoutException)
            {
                throw new XunitException($"{e.Message}\n\ncommand: {shell.Command}\nqemu stderr: {shell.Stderr}\nserial tail:\n{KernelFixture.Tail(shell.Serial, 60)}");
            }
            finally
            {
                _output.WriteLine(KernelFixture.Tail(shell.Serial, 150));
            }
        });
    }

    private static void Expect(bool condition, string what, string answer)
    {
        if (!condition)
            throw new XunitException($"{what}\nanswer was:\n{answer}");
    }

    [GeneratedRegex(@"^blocks: (?<live>\d+) live \(\d+ allocations, \d+ frees\); largest free block (?<largest>\d+);", RegexOptions.Multiline)]
    private static partial Regex BlocksLine();

    // `mem` without its allocation counters (they grow with every command): held, free and requested bytes, live
    // blocks and the largest free block. The per-order free counts are left out: the shell's own garbage between
    // the two collections lands at other addresses, so the same live set can leave other small free blocks.
    private static string HeapState(string mem)
    {
        var blocks = BlocksLine().Match(mem);
        // Free bytes are left out: the object cache keeps one empty spare slab per size class the script touched
        // (free + held + cached = total), so held, requested and live blocks are what must come back.
        return string.Join("\n", mem.Split('\n').Where(l => l.StartsWith("heap:") || l.StartsWith("requested ")).Select(l => Regex.Replace(l, @" \+ cached \d+ \+ free \d+", ""))) +
            (blocks.Success ? $"\nlive {blocks.Groups["live"].Value}, largest free {blocks.Groups["largest"].Value}" : "\n(no blocks line)");
    }

    [Fact]
    public async Task Shell_answers_a_script_over_serial_and_leaves_the_heap_as_it_found_it()
    {
        int? status = await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            var boot = shell.WaitForPrompt(BootTimeout);
            var report = SerialReport.Parse(boot);
            Expect(report.HasSummary && report.SummaryFailed == 0 && report.SummaryPassed > 0 && !report.Panicked,
                "the self-tests should pass before the prompt", boot);

            shell.Run("gc");
            var before = shell.Run("mem");
            Expect(before.Contains("free blocks per order:") && before.Split('\n').Count(l => l.StartsWith("  order ")) == 19 && BlocksLine().IsMatch(before),
                "mem: statistics and the free blocks of each of the 19 orders", before);

            var help = shell.Run("help");
            foreach (var command in new[] { "help", "mem", "map", "alloc", "free", "gc", "test", "bench", "uptime", "reboot", "halt" })
                Expect(Regex.IsMatch(help, $@"^  {command}\b", RegexOptions.Multiline), $"help lists {command}", help);

            var alloc = shell.Run("alloc 100");
            var m = Allocated().Match(alloc);
            Expect(m.Success, "alloc 100: an address and its block (a 112-byte cache slot, or 128 bytes of the pure buddy)", alloc);
            var address = m.Groups["address"].Value;
            var during = shell.Run("mem");
            Expect(HeapState(during) != HeapState(before), "mem after alloc: the heap changed", during);

            var map = shell.Run("map");
            Expect(map.Contains("heap map:") && map.Contains("largest free block") &&
                   map.Split('\n').Count(l => Regex.IsMatch(l, @"^0x[0-9A-F]{10} [.#+]{64}$")) == 16,
                "map: a legend, 16 rows of 64 runs and the largest free block", map);

            // Twice in one line: nothing is allocated in between, so the second is a double free for certain.
            var free = shell.Run($"free {address} {address}");
            var block = alloc.Contains("block of 112 bytes") ? 112 : 128;
            Expect(free.Trim() == $"free {address}: freed a block of {block} bytes\nfree {address}: DoubleFree (nothing changed)",
                "free of the alloc'd block, then a double free refused with its status", free);
            // Above the cache's 512 B: a run that keeps 5000 B rounded to 256 (the pure buddy: an 8 KiB block).
            var large = shell.Run("alloc 5000");
            var l = Regex.Match(large, @"^allocated 5000 bytes at (?<address>0x[0-9A-F]+) \(block of (?<size>5120) bytes, a trimmed run: a head of order \d+ and tail pieces\)$|^allocated 5000 bytes at (?<address>0x[0-9A-F]+) \(block of (?<size>8192) bytes, order 9\)$", RegexOptions.Multiline);
            Expect(l.Success, "alloc 5000: a 5120-byte trimmed run (or the pure buddy's 8 KiB block)", large);
            var freeLarge = shell.Run($"free {l.Groups["address"].Value}");
            Expect(freeLarge.Trim() == $"free {l.Groups["address"].Value}: freed a block of {l.Groups["size"].Value} bytes", "free of the run", freeLarge);
            var foreign = shell.Run("free 0x1000");
            Expect(foreign.Trim() == "free 0x0000001000: ForeignPointer (nothing changed)", "a pointer outside the heap", foreign);
            var misaligned = shell.Run("free 0x8000000008");
            Expect(misaligned.Trim() == "free 0x8000000008: MisalignedPointer (nothing changed)", "a pointer off the 16-byte grid", misaligned);

            var unknown = shell.Run("frobnicate 1 2");
            Expect(unknown.Trim() == "unknown command: frobnicate (help lists the commands)", "an unknown command: one line", unknown);
            var bad = shell.Run("alloc lots");
            Expect(bad.Trim() == "error: SIZE: expected a number, got \"lots\"", "a bad number: one line", bad);
            var huge = shell.Run("alloc 99999999999999999999999");
            Expect(huge.Trim() == "error: SIZE: 99999999999999999999999 is too large (at most 18446744073709551615 = 0xFFFFFFFFFFFFFFFF)",
                "an overflowing number: one line naming the argument", huge);
            var usage = shell.Run("free");
            Expect(usage.Trim() == "usage: free ADDR...", "a missing argument: the usage", usage);

            shell.Run("gc");
            var after = shell.Run("mem");
            Expect(HeapState(after) == HeapState(before), $"the heap after the script equals the heap before it:\nbefore:\n{HeapState(before)}", after);

            shell.TypeOnSerial("halt\r");
            shell.WaitFor("System halted.", TimeSpan.FromSeconds(10));
            return await shell.WaitForExitAsync(TimeSpan.FromSeconds(10));
        });
        Assert.Equal(ReportProtocol.UserHaltStatus, status);
    }

    [Fact]
    public async Task A_line_typed_on_the_PS2_keyboard_reaches_the_shell()
    {
        string answer = await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            shell.WaitForPrompt(BootTimeout);
            // Shift, backspace and caps lock on the way: "Keys" and "AB" arrive, "x" is erased.
            await shell.TypeOnKeyboardAsync("echo Keysx\b ");
            await shell.MonitorCommandAsync("sendkey caps_lock");
            await shell.TypeOnKeyboardAsync("ab");
            await shell.MonitorCommandAsync("sendkey caps_lock");
            await shell.TypeOnKeyboardAsync("c\n");
            var output = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30)).Replace("\r", "");
            var irq = shell.Run("irq");
            Expect(InterruptsLine().Match(irq) is { Success: true } i && long.Parse(i.Groups["keyboard"].Value) >= 20,
                "irq: the keyboard interrupts were counted (a press and a release per key)", irq);
            return output;
        });
        Assert.Contains("\nKeys ABc\n", "\n" + answer);
    }

    [Fact]
    public async Task Uptime_follows_the_host_clock()
    {
        var (kernelMs, hostMs, ticks, hz) = await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            shell.WaitForPrompt(BootTimeout);
            var first = UptimeLine().Match(shell.Run("uptime"));
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(3));
            var secondText = shell.Run("uptime");
            clock.Stop();
            var second = UptimeLine().Match(secondText);
            Expect(first.Success && second.Success, "uptime: one line with ms, ticks and Hz", secondText);
            long ms = long.Parse(second.Groups["ms"].Value) - long.Parse(first.Groups["ms"].Value);
            long t = long.Parse(second.Groups["ticks"].Value) - long.Parse(first.Groups["ticks"].Value);
            return (ms, clock.ElapsedMilliseconds, t, long.Parse(second.Groups["hz"].Value));
        });
        _output.WriteLine($"kernel uptime grew {kernelMs} ms ({ticks} ticks at {hz} Hz) while the host waited {hostMs} ms: ratio {(double)kernelMs / hostMs:0.000}");
        // Generous: QEMU's PIT follows the host clock, but a loaded host delays ticks (and the answer's arrival).
        Assert.InRange(kernelMs, hostMs * 6 / 10, hostMs * 14 / 10);
        Assert.InRange(ticks * 1000 / hz, kernelMs - 50, kernelMs + 50);
    }

    [Fact]
    public async Task The_self_tests_pass_while_keyboard_serial_and_a_fast_timer_keep_interrupting()
    {
        var (serial, status) = await WithShell(StormCmdline, async shell =>
        {
            // No prompt in this boot: keys and serial bytes are sent until QEMU exits with the report's status.
            var exit = shell.WaitForExitAsync(BootTimeout);
            int keys = 0;
            while (!exit.IsCompleted)
            {
                // Once QEMU has exited its monitor and stdin go away mid-loop: that ends the storm.
                try
                {
                    await shell.MonitorCommandAsync("sendkey " + (keys++ % 2 == 0 ? "a" : "shift-b"));
                    shell.TypeOnSerial("x");
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                    await Task.WhenAny(exit, Task.Delay(100));
                }
            }
            return (shell.Serial, await exit);
        });
        var report = SerialReport.Parse(serial);
        var describe = $"status {QemuLauncher.DescribeStatus(status)}; serial tail:\n{KernelFixture.Tail(serial, 40)}";
        Assert.True(status == ReportProtocol.AllPassedStatus, describe);
        Assert.True(!report.Panicked && report.FailLines == 0 && report.SummaryPassed == report.PassLines && report.PassLines > 0 && report.ResultsMatchPlan, describe);
        var counters = InterruptsLine().Match(serial);
        Assert.True(counters.Success, describe);
        _output.WriteLine(counters.Value);
        Assert.InRange(int.Parse(counters.Groups["hz"].Value), 9900, 10100);   // the PIT's nearest divisor
        Assert.True(long.Parse(counters.Groups["timer"].Value) > 1000, "the fast timer ticked: " + counters.Value);
        Assert.True(long.Parse(counters.Groups["keyboard"].Value) > 0, "keyboard interrupts arrived during the boot: " + counters.Value);
        Assert.True(long.Parse(counters.Groups["serial"].Value) > 0, "serial interrupts arrived during the boot: " + counters.Value);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.DefaultConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Every_default_boot_takes_timer_interrupts_through_its_self_tests(string config)
    {
        var boot = await _fixture.Boot(KernelMatrix.Get(config));
        KernelAssert.Ran(boot);
        var counters = InterruptsLine().Match(boot.SerialLog);
        KernelAssert.That(counters.Success, $"{config}: no `{ReportProtocol.Interrupts}` line after the benchmarks.", boot);
        // At 100 Hz a boot whose tests and benchmarks take more than a fraction of a second must have ticked.
        KernelAssert.That(int.Parse(counters.Groups["hz"].Value) == 100 && long.Parse(counters.Groups["timer"].Value) >= 10,
            $"{config}: the PIT at 100 Hz and at least 10 ticks counted; got \"{counters.Value}\".", boot);
        KernelAssert.That(long.Parse(counters.Groups["spurious"].Value) == 0, $"{config}: no spurious IRQ 7/15 expected under QEMU.", boot);
    }

    [Fact]
    public async Task A_fault_inside_an_interrupt_handler_is_a_panic_not_an_exception()
    {
        var boot = await _fixture.Boot(CrashIrq);
        _output.WriteLine(boot.Describe(tailLines: 20));
        KernelAssert.Ran(boot);
        KernelAssert.That(boot.Verdict == BootVerdict.Panicked && boot.ExitStatus == ReportProtocol.PanickedStatus,
            $"crash=irq: verdict {boot.Verdict}, expected Panicked with status {ReportProtocol.PanickedStatus}.", boot);
        KernelAssert.That(boot.SerialLog.Contains("KERNEL PANIC: CPU exception inside an interrupt handler"),
            "crash=irq: the panic names the interrupt handler.", boot);
        KernelAssert.That(boot.SerialLog.Contains("#PF page fault") && !boot.SerialLog.Contains("System.NullReferenceException"),
            "crash=irq: a page fault, never turned into a NullReferenceException.", boot);
    }
}
