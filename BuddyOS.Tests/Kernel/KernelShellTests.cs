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
        return await _fixture.InQemuShell(iso.Iso, script, _output);
    }

    private static void Expect(bool condition, string what, string answer)
    {
        if (!condition)
            throw new XunitException($"{what}\nanswer was:\n{answer}");
    }

    [GeneratedRegex(@"^blocks: (?<live>\d+) live \(\d+ allocations, \d+ frees\), largest free (?<largest>\d+)$", RegexOptions.Multiline)]
    private static partial Regex BlocksLine();

    // `mem` without its allocation counters (they grow with every command): held, free and requested bytes, live
    // blocks and the largest free block. The per-order free counts are left out: the shell's own garbage between
    // the two collections lands at other addresses, so the same live set can leave other small free blocks.
    [GeneratedRegex(@"held (?<held>\d+)")]
    private static partial Regex HeldBytes();

    [GeneratedRegex(@"^requested (?<requested>\d+) bytes", RegexOptions.Multiline)]
    private static partial Regex RequestedBytes();

    /// <summary>Held bytes, requested bytes and live blocks of a `mem` answer.</summary>
    private static (long Held, long Requested, long Live) HeapNumbers(string mem) =>
        (long.Parse(HeldBytes().Match(mem).Groups["held"].Value), long.Parse(RequestedBytes().Match(mem).Groups["requested"].Value),
         long.Parse(BlocksLine().Match(mem).Groups["live"].Value));

    /// <summary>No leak: the heap holds at most what it held before, in held bytes, requested bytes and live blocks,
    /// give or take `slack` held bytes. CoreLib's reflection keeps weakly held type information in tables
    /// (ConcurrentUnifierW) that drop their dead entries only when they fill up, so between two fills they grow a
    /// little with every run that asks for a type's name; a leak grows without that bound.</summary>
    private static bool NotGrown(string after, string before, long slack = 0)
    {
        var a = HeapNumbers(after);
        var b = HeapNumbers(before);
        return a.Held <= b.Held + slack && a.Requested <= b.Requested + slack && a.Live <= b.Live + slack / 32;
    }

    /// <summary>The bound on the reflection tables' growth between two fills: 8 KiB, 0.2% of the heap.</summary>
    private const long ReflectionCacheSlack = 8 * 1024;

    private static string HeapState(string mem)
    {
        var blocks = BlocksLine().Match(mem);
        // Free bytes are left out: the object cache keeps one empty spare slab per size class the script touched
        // (free + held + cached = total), so held, requested and live blocks are what must come back.
        return string.Join("\n", mem.Split('\n').Where(l => l.StartsWith("heap:") || l.StartsWith("requested ")).Select(l => Regex.Replace(Regex.Replace(l, @" \+ cached \d+ \+ free \d+", ""), @"; peak held \d+", ""))) +
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
            Expect(huge.Trim() == "error: SIZE: 99999999999999999999999 does not fit in 64 bits",
                "an overflowing number: one line naming the argument", huge);
            var usage = shell.Run("free");
            Expect(usage.Trim() == "usage: free ADDR...", "a missing argument: the usage", usage);
            // Every overflowing number names its argument; nothing runs.
            foreach (var (line, argument, word) in new[] { ("free 0x8000000000 0xFFFFFFFFFFFFFFFFFF", "ADDR", "0xFFFFFFFFFFFFFFFFFF"),
                         ("sleep 99999999999999999999", "MS", "99999999999999999999"), ("alloc 16 99999999999999999999", "ALIGN", "99999999999999999999"),
                         ("map 0x10000000000000000", "ADDR", "0x10000000000000000") })
            {
                var overflow = shell.Run(line);
                Expect(overflow.Trim() == $"error: {argument}: {word} does not fit in 64 bits",
                    $"{line}: one line naming {argument}", overflow);
            }
            var nosuch = shell.Run("test nosuch");
            Expect(nosuch.Trim() == "error: NAME: no self-test named nosuch (test lists them all on its plan line)",
                "test nosuch: an error before anything runs (no plan, no summary)", nosuch);
            // The last 16 bytes of the heap: one 64-byte run of the row drawn, the rest of the row clipped, with a note.
            var edge = shell.Run("map 0x80003FFFF0");
            Expect(Regex.IsMatch(edge, @"^0x80003FFFC0 [.#+]$", RegexOptions.Multiline) && edge.Contains("(clipped: the heap ends at 0x8000400000)") &&
                   Regex.Matches(edge, @"^0x[0-9A-F]{10} ", RegexOptions.Multiline).Count == 1, "map at the heap's end: one character, clipped", edge);
            var sums = Regex.Match(shell.Run("mem"), @"^heap: (?<total>\d+) bytes at 0x[0-9A-F]+ = held (?<held>\d+) \+ cached (?<cached>\d+) \+ free (?<free>\d+)$", RegexOptions.Multiline);
            Expect(sums.Success && long.Parse(sums.Groups["held"].Value) + long.Parse(sums.Groups["cached"].Value) + long.Parse(sums.Groups["free"].Value) == long.Parse(sums.Groups["total"].Value),
                "mem: held + cached + free = the total", sums.Value);

            shell.Run("gc");
            var after = shell.Run("mem");
            Expect(NotGrown(after, before), $"the heap after the script holds no more than before it:\nbefore:\n{HeapState(before)}", after);

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

            // The extended keys (E0-prefixed scancodes): Up recalls, Left moves, End; then Home and Delete.
            await shell.TypeOnKeyboardAsync("echo abc\n");
            shell.WaitFor("\n" + ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30));
            foreach (var key in new[] { "up", "left", "left" })
                await shell.MonitorCommandAsync("sendkey " + key);
            await shell.TypeOnKeyboardAsync("X");
            await shell.MonitorCommandAsync("sendkey end");
            await shell.TypeOnKeyboardAsync("d\n");
            var edited = Answer(shell.WaitFor("\n" + ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30)).Replace("\r", ""));
            Expect(edited.Trim() == "aXbcd", "Up, Left, Left, X, End, d on the keyboard: echo aXbcd", edited);
            await shell.TypeOnKeyboardAsync("xecho home");
            foreach (var key in new[] { "home", "delete", "ret" })
                await shell.MonitorCommandAsync("sendkey " + key);
            var home = Answer(shell.WaitFor("\n" + ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30)).Replace("\r", ""));
            Expect(home.Trim() == "home", "Home and Delete on the keyboard removed the leading x", home);

            // Ctrl-C on the keyboard stops a sleep.
            await shell.TypeOnKeyboardAsync("sleep 20000\n");
            shell.WaitFor("sleep 20000\r\n", TimeSpan.FromSeconds(30));
            await shell.MonitorCommandAsync("sendkey ctrl-c");
            var stopped = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(15)).Replace("\r", "");
            Expect(Regex.IsMatch(stopped, @"^sleep: stopped \(Ctrl-C\) after \d+ ms$", RegexOptions.Multiline), "Ctrl-C on the keyboard stopped sleep", stopped);
            return output;
        });
        Assert.Contains("\nKeys ABc\n", "\n" + answer);
    }

    [Fact]
    public async Task System_Console_reads_keys_and_lines_from_serial_and_keyboard()
    {
        await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            shell.WaitForPrompt(BootTimeout);
            shell.TypeOnSerial("keys\r");
            shell.WaitFor("Enter ends", TimeSpan.FromSeconds(30));
            // A letter, both cursor-key encodings, a tilde key, Ctrl-A, then the same from the PS/2 keyboard.
            shell.TypeOnSerial("q\x1b[A\x1bOB\x1b[3~\x01");
            shell.WaitFor("key: A + Control", TimeSpan.FromSeconds(30));
            foreach (var key in new[] { "left", "home", "shift-a" })
                await shell.MonitorCommandAsync("sendkey " + key);
            shell.WaitFor("key: A + Shift", TimeSpan.FromSeconds(30));
            shell.TypeOnSerial("\r");
            shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30));
            var all = shell.Serial.Replace("\r", "");
            var keys = all[all.LastIndexOf("Enter ends", StringComparison.Ordinal)..];
            foreach (var expected in new[] { "key: Q, char 'q'", "key: UpArrow, char 0x00", "key: DownArrow, char 0x00", "key: Delete, char 0x00",
                "key: A + Control, char 0x01", "key: LeftArrow, char 0x00", "key: Home, char 0x00", "key: A + Shift, char 'A'", "key: Enter, char 0x0D" })
                Expect(keys.Contains(expected + "\n"), $"keys: the line '{expected}'", keys);

            shell.TypeOnSerial("readline\r");
            shell.WaitFor("readline\r\n", TimeSpan.FromSeconds(30));
            shell.TypeOnSerial("hello, kernel\r");
            var line = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30)).Replace("\r", "");
            Expect(line.Contains("readline: 13 characters: \"hello, kernel\""), "readline: System.Console.ReadLine returned the typed line", line);
            return 0;
        });
    }

    [GeneratedRegex(@"^selftest: (?<passed>\d+) passed, (?<failed>\d+) failed$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    /// <summary>Each `test` used to allocate the scratch heap's metadata again (13 runs panicked out of memory).</summary>
    public const int TestReruns = 50;

    [Fact]
    public async Task Test_and_bench_rerun_many_times_leave_the_heap_where_it_was()
    {
        await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            shell.WaitForPrompt(BootTimeout);
            // The first full run and bench make what CoreLib keeps once used (reflection and cast caches, the stack
            // trace name table): the baseline is taken after them.
            shell.Run("test", TimeSpan.FromSeconds(60));
            shell.Run("bench", TimeSpan.FromSeconds(60));
            shell.Run("gc");
            var before = shell.Run("mem");
            for (int run = 0; run < TestReruns; run++)
            {
                // Every third run the whole suite (static_constructor included: a rerun checks the cctor stays run),
                // the others one test on the scratch heap.
                bool all = run % 3 == 0;
                var answer = shell.Run(all ? "test" : "test exhaustion", TimeSpan.FromSeconds(60));
                var summary = SummaryLine().Match(answer);
                Expect(summary.Success && summary.Groups["failed"].Value == "0" && int.Parse(summary.Groups["passed"].Value) == (all ? SelfTestRegistry.Names.Count : 1)
                    && !answer.Contains("PANIC"), $"test run {run + 1}: every planned test passed", answer);
                if (all)
                    Expect(answer.Contains("[PASS] static_constructor") && answer.Contains("[PASS] static_constructor") && answer.Contains("does not run again"), "static_constructor passes in a rerun", answer);
                if (run % 10 == 0)
                {
                    var bench = shell.Run("bench", TimeSpan.FromSeconds(60));
                    Expect(bench.Contains("bench: collector/explicit speed") && !bench.Contains("PANIC"), "bench ran to its end", bench);
                }
            }
            shell.Run("gc");
            var after = shell.Run("mem");
            _output.WriteLine($"before:\n{before}\nafter:\n{after}");
            Expect(NotGrown(after, before, ReflectionCacheSlack), $"after {TestReruns} test runs and 5 bench runs the heap holds no more than before (+{ReflectionCacheSlack} B for CoreLib's reflection tables):\n{HeapState(before)}", after);
            return 0;
        });
    }

    /// <summary>The answer to a line typed with editing keys: the output after its last echo (the editor's redraws
    /// come before the newline), up to the next prompt.</summary>
    private static string Answer(string output)
    {
        int newline = output.IndexOf('\n');
        return newline < 0 ? output : output[(newline + 1)..];
    }

    [Fact]
    public async Task The_serial_terminal_edits_lines_keeps_a_history_and_Ctrl_C_stops_what_waits()
    {
        await WithShell(ReportProtocol.ShellOption, async shell =>
        {
            shell.WaitForPrompt(BootTimeout);
            // A prompt after a newline: the editor's redraws repeat the prompt text on its own row.
            string Prompted() => shell.WaitFor("\n" + ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(30)).Replace("\r", "");
            var first = shell.Run("echo hello world");
            Expect(first.Trim() == "hello world", "echo", first);

            // Up (ESC [ A), five times left in the application encoding (ESC O D), insert; Home, Delete twice, End
            // (ESC [ 1 ~ / ESC [ 3 ~ / ESC [ F), type: "echo hello big world" without its "ec", then "oops" erased.
            shell.TypeOnSerial("\x1b[A" + string.Concat(Enumerable.Repeat("\x1bOD", 5)) + "big \x1b[1~\x1b[3~\x1b[3~\x1b[F!oops\x7f\x7f\x7f\x7f\r");
            var edited = Answer(Prompted());
            Expect(edited.Trim() == "unknown command: ho (help lists the commands)", "the edited line ran as \"ho hello big world!\"", edited);

            // Down past the newest entry brings back what was being typed; Up twice reaches the first line again.
            shell.TypeOnSerial("echo draft\x1b[A\x1b[A\x1b[B\x1b[B\x1b[A\x1b[A\r");
            var recalled = Answer(Prompted());
            Expect(recalled.Trim() == "hello world", "Up, Up, Down, Down (the draft), Up, Up: the first line again", recalled);

            // Ctrl-C drops a half-typed line; Ctrl-L clears the screen and redraws the line being typed.
            shell.TypeOnSerial("frobnicate\x03");
            shell.WaitFor("^C\r\n", TimeSpan.FromSeconds(10));
            shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(10));
            shell.TypeOnSerial("echo cleared\x0c");
            shell.WaitFor("\x1b[H\x1b[2J", TimeSpan.FromSeconds(10));
            shell.TypeOnSerial("\r");
            var afterClear = Answer(Prompted());
            Expect(afterClear.Trim() == "cleared", "Ctrl-L kept the line", afterClear);

            // Ctrl-C stops a sleep at once, and drops what was typed during it; without Ctrl-C type-ahead runs after.
            var clock = Stopwatch.StartNew();
            shell.TypeOnSerial("sleep 20000\r");
            shell.WaitFor("sleep 20000\r\n", TimeSpan.FromSeconds(10));
            shell.TypeOnSerial("echo dropped\r");
            await Task.Delay(300);
            shell.TypeOnSerial("\x03");
            var stopped = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(15)).Replace("\r", "");
            clock.Stop();
            Expect(Regex.IsMatch(stopped, @"^sleep: stopped \(Ctrl-C\) after \d+ ms$", RegexOptions.Multiline) && clock.Elapsed < TimeSpan.FromSeconds(15),
                $"sleep 20000 stopped by Ctrl-C (after {clock.Elapsed.TotalSeconds:0.0} s)", stopped);
            var next = shell.Run("echo next");
            Expect(next.Trim() == "next" && !shell.Serial.Contains("\ndropped"), "the line typed before Ctrl-C was dropped", next);
            shell.TypeOnSerial("sleep 300\r");
            shell.WaitFor("sleep 300\r\n", TimeSpan.FromSeconds(10));
            shell.TypeOnSerial("echo typed ahead\r");
            var slept = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(15)).Replace("\r", "");
            Expect(slept.Trim() == "slept 300 ms", "sleep 300", slept);
            var ahead = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(15)).Replace("\r", "");
            Expect(ahead.EndsWith("typed ahead\n"), "the line typed during the sleep ran after it", ahead);

            // Ctrl-C between self-tests.
            shell.TypeOnSerial("test\r");
            shell.WaitFor("[PASS] new_uses_kernel_heap", TimeSpan.FromSeconds(30));
            shell.TypeOnSerial("\x03");
            var cut = shell.WaitFor(ReportProtocol.ShellPrompt, TimeSpan.FromSeconds(60)).Replace("\r", "");
            Expect(Regex.IsMatch(cut, @"^test: stopped \(Ctrl-C\) before \w+$", RegexOptions.Multiline), "test stopped by Ctrl-C", cut);
            return 0;
        });
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
