// The BuddyOS shell: a `buddyos> ` prompt on the VGA console and COM1 at once, answering one line at a
// time. Every command's errors are one line: bad arguments throw (FormatException, OverflowException,
// ArgumentException) and Run catches them; nothing a user types can panic the kernel, except `free` of
// memory the shell does not own, which it refuses instead.
using System;
using System.Collections.Generic;
using BuddyOS.Heap;
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.GarbageCollection;
using BuddyOS.Kernel.Interrupts;
using BuddyOS.Kernel.SelfTest;

namespace BuddyOS.Kernel.Shell
{
    internal delegate void CommandBody(List<string> args);

    internal sealed class Command
    {
        public string Name;
        public string Usage;    // the arguments, "" for none
        public string Help;
        public int MinArgs, MaxArgs;
        public CommandBody Body;
    }

    internal sealed unsafe class ShellKernel : Framework.Kernel
    {
        public const string Prompt = BuddyOS.Protocol.ReportProtocol.ShellPrompt;

        private readonly CommandLine _options;
        private readonly byte* _scratch;
        private readonly bool _selfTestsPassed;
        private readonly List<Command> _commands = new List<Command>();
        public const int MaxRawBlocks = 256;
        private readonly ulong[] _rawBlocks = new ulong[MaxRawBlocks];   // what `alloc` gave out and `free` may take back
        private int _rawCount;
        private readonly StopRequested _interrupted = ConsoleDevice.InterruptRequested;   // made once: `test` allocates nothing to keep

        public ShellKernel(CommandLine options, byte* scratch, bool selfTestsPassed)
        {
            _options = options;
            _scratch = scratch;
            _selfTestsPassed = selfTestsPassed;
            Add("help", "", "this list", 0, 0, Help);
            Add("mem", "", "heap statistics and free blocks per order", 0, 0, Mem);
            Add("map", "[ADDR]", "a picture of the heap; ADDR: 64 KiB from there", 0, 1, Map);
            Add("alloc", "SIZE [ALIGN]", "allocate a raw block (never collected), print its address", 1, 2, Alloc);
            Add("free", "ADDR...", "free blocks alloc gave; a bad address prints its status", 1, 16, Free);
            Add("gc", "", "collect garbage and print what was reclaimed", 0, 0, Gc);
            Add("census", "[N]", "what the heap holds by type, the N largest (default 12)", 0, 1, Census);
            Add("test", "[NAME]", "rerun the self-tests, or one of them (Ctrl-C stops)", 0, 1, Test);
            Add("bench", "", "the heap and collector benchmarks (Ctrl-C stops)", 0, 0, Bench);
            Add("uptime", "", "time since the timer started, from PIT ticks", 0, 0, Uptime);
            Add("sleep", "MS", "wait MS milliseconds on the timer (Ctrl-C stops it)", 1, 1, Sleep);
            Add("irq", "", "interrupt counters", 0, 0, IrqCounters);
            Add("echo", "TEXT...", "print the words back", 0, 64, Echo);
            Add("keys", "", "show keys as Console.ReadKey sees them (Enter ends)", 0, 0, Keys);
            Add("readline", "", "read a line with Console.ReadLine and say what came", 0, 0, ReadLine);
            Add("clear", "", "clear the screen (Ctrl-L does it while typing)", 0, 0, Clear);
            Add("reboot", "", "reset the machine (QEMU ends: stopped by the user)", 0, 0, Reboot);
            Add("halt", "", "stop the machine (QEMU ends: stopped by the user)", 0, 0, Halt);
        }

        private void Add(string name, string usage, string help, int minArgs, int maxArgs, CommandBody body)
        {
            Command c = new Command();
            c.Name = name;
            c.Usage = usage;
            c.Help = help;
            c.MinArgs = minArgs;
            c.MaxArgs = maxArgs;
            c.Body = body;
            _commands.Add(c);
        }

        protected override void BeforeRun()
        {
            Console.WriteLine();
            Console.WriteLine("BuddyOS shell: type help for the commands.");
        }

        protected override void Run()
        {
            ConsoleDevice.Write(Prompt);
            string line = ConsoleDevice.ReadLine();
            List<string> words = Arguments.Split(line);
            if (words.Count == 0)
                return;
            Command command = Find(words[0]);
            if (command == null)
            {
                Console.WriteLine($"unknown command: {words[0]} (help lists the commands)");
                return;
            }
            List<string> args = new List<string>();
            for (int i = 1; i < words.Count; i++)
                args.Add(words[i]);
            if (args.Count < command.MinArgs || args.Count > command.MaxArgs)
            {
                Console.WriteLine($"usage: {command.Name} {command.Usage}");
                return;
            }
            try
            {
                command.Body(args);
            }
            catch (Exception e)
            {
                Console.WriteLine($"error: {e.Message}");
            }
        }

        private void Census(List<string> args)
        {
#if KERNEL_HEAP_BUMP
            Console.WriteLine("census: the bump heap keeps no block boundaries to walk");
#else
            ulong top = args.Count == 0 ? 12 : Arguments.ParseNumber(args[0], "N");
            GarbageCollection.HeapCensus.Print(top > 1000 ? 1000 : (int)top);
#endif
        }

        // Console.ReadKey over the kernel's terminal (Runtime/Platform/ConsoleInput.cs): what a kernel author
        // sees when they call it, key by key.
        private void Keys(List<string> args)
        {
            Console.WriteLine("keys: type; each key is shown as Console.ReadKey returns it; Enter ends");
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                string modifiers = key.Modifiers == 0 ? "" : $" + {key.Modifiers}";
                string character = key.KeyChar >= ' ' && key.KeyChar != (char)0x7F ? $"'{key.KeyChar}'" : $"0x{(int)key.KeyChar:X2}";
                Console.WriteLine($"key: {key.Key}{modifiers}, char {character}");
                if (key.Key == ConsoleKey.Enter)
                    return;
            }
        }

        private void ReadLine(List<string> args)
        {
            string line = Console.ReadLine();
            Console.WriteLine(line == null ? "readline: end of input" : $"readline: {line.Length} characters: \"{line}\"");
        }

        private Command Find(string name)
        {
            for (int i = 0; i < _commands.Count; i++)
                if (_commands[i].Name == name)
                    return _commands[i];
            return null;
        }

        private void Help(List<string> args)
        {
            foreach (Command c in _commands)
            {
                string synopsis = c.Usage.Length > 0 ? $"{c.Name} {c.Usage}" : c.Name;
                Console.WriteLine($"  {synopsis,-20} {c.Help}");
            }
        }

#if KERNEL_HEAP_BUMP
        private void Mem(List<string> args) => throw new NotSupportedException("mem needs the buddy heap (this kernel has the bump heap)");
        private void Map(List<string> args) => throw new NotSupportedException("map needs the buddy heap (this kernel has the bump heap)");
        private void Alloc(List<string> args) => throw new NotSupportedException("alloc needs the buddy heap (this kernel has the bump heap)");
        private void Free(List<string> args) => throw new NotSupportedException("free needs the buddy heap (this kernel has the bump heap)");
#else
        private void Mem(List<string> args) => HeapMap.PrintStatistics();

        private void Map(List<string> args)
        {
            if (args.Count == 0)
                HeapMap.PrintMap();
            else
                HeapMap.PrintMap((byte*)Arguments.ParseNumber(args[0], "ADDR"), HeapMap.ZoomRun);
        }

        private void Alloc(List<string> args)
        {
            ulong size = Arguments.ParseNumber(args[0], "SIZE");
            ulong alignment = args.Count > 1 ? Arguments.ParseNumber(args[1], "ALIGN") : 16;
            if (_rawCount == MaxRawBlocks)
                throw new InvalidOperationException("alloc: the shell keeps at most 256 blocks; free one first");
            HeapStatus status = KernelHeap.TryAllocateRaw((nuint)size, (nuint)alignment, out byte* block);
            if (status != HeapStatus.Ok)
            {
                Console.WriteLine($"alloc: {HeapStatusNames.Name(status)} (nothing changed)");
                return;
            }
            _rawBlocks[_rawCount++] = (ulong)block;
            KernelHeap.Heap.TryFindBlock(block, out HeapBlock b);
            string kind = b.Order < 0 ? "a slot of the object cache"                           // a slab slot has no buddy order
                : (ulong)b.Size != (16UL << b.Order) ? $"a trimmed run: a head of order {b.Order} and tail pieces"   // rounded to 256 B, in pieces
                : $"order {b.Order}";
            Console.WriteLine($"allocated {size} bytes at 0x{(ulong)block:X10} (block of {(ulong)b.Size} bytes, {kind})");
        }

        // Several addresses in one line free one after the other with no allocation between them: `free A A`
        // shows a double free (a second `free A` typed later may find A's block reused by the shell's own objects).
        // Every address is parsed before any is freed: a bad one is an error that changes nothing. The answers are
        // printed after the last free, as printing allocates (a freed slot would be reused by the next line).
        private void Free(List<string> args)
        {
            ulong[] addresses = new ulong[args.Count];
            for (int i = 0; i < args.Count; i++)
                addresses[i] = Arguments.ParseNumber(args[i], "ADDR");
            HeapStatus[] statuses = new HeapStatus[addresses.Length];
            ulong[] sizes = new ulong[addresses.Length];
            bool[] refused = new bool[addresses.Length];
            for (int i = 0; i < addresses.Length; i++)
                statuses[i] = FreeOne(addresses[i], out sizes[i], out refused[i]);
            for (int i = 0; i < addresses.Length; i++)
            {
                string answer = refused[i] ? "not a block alloc gave out (a live object or kernel memory); not freed"
                    : statuses[i] != HeapStatus.Ok ? $"{HeapStatusNames.Name(statuses[i])} (nothing changed)"
                    : $"freed a block of {sizes[i]} bytes";
                Console.WriteLine($"free 0x{addresses[i]:X10}: {answer}");
            }
        }

        // Allocates nothing.
        private HeapStatus FreeOne(ulong address, out ulong size, out bool refused)
        {
            byte* p = (byte*)address;
            int mine = -1;
            for (int i = 0; i < _rawCount; i++)
                if (_rawBlocks[i] == address)
                    mine = i;
            size = 0;
            // The start of an allocated block the shell did not hand out is a live object or kernel memory.
            refused = mine < 0 && KernelHeap.Heap.TryFindBlock(p, out HeapBlock block) && !block.IsFree && block.Start == p;
            if (refused)
                return HeapStatus.Ok;
            size = KernelHeap.Heap.TryFindBlock(p, out HeapBlock before) ? (ulong)before.Size : 0;
            HeapStatus status = KernelHeap.TryFreeRaw(p);
            if (status == HeapStatus.Ok)
                _rawBlocks[mine] = _rawBlocks[--_rawCount];
            return status;
        }
#endif

        private void Gc(List<string> args)
        {
#if KERNEL_HEAP_BUMP
            throw new NotSupportedException(Collector.Unsupported);
#else
            GC.Collect();
            string cycles = Hypervisor.IsQemuTcg(Hypervisor.Vendor()) ? "emulated cycles" : "cycles";
            Console.WriteLine($"gc: reclaimed {Collector.LastBytesReclaimed} bytes in {Collector.LastObjectsReclaimed} objects; "
                + $"pause {Collector.LastPause} {cycles}; {Collector.Collections} collections since boot");
#endif
        }

        private void Test(List<string> args)
        {
            CommandLine options = CommandLine.Parse(_options.Raw);
            if (args.Count == 1)
            {
                if (!SelfTests.Exists(args[0]))
                    throw new ArgumentException(string.Concat("NAME: no self-test named ", args[0], " (test lists them all on its plan line)"));
                options.OnlyTests = args[0];
            }
            SelfTests.Run(options, _scratch, _interrupted);
        }

        private void Bench(List<string> args)
        {
            bool emulated = Hypervisor.IsQemuTcg(Hypervisor.Vendor());
            if (Benchmark.SkippedUnderStress())
                return;
            if (_scratch != null)
            {
                Benchmark.Run(_scratch, emulated);
                if (Interrupted("bench"))
                    return;
            }
            else
                Console.WriteLine("bench: no scratch memory (see the boot report); the heap benchmark is skipped");
            CollectorBenchmark.Run(emulated);
        }

        // Ctrl-C typed while a command ran: says so, for the command to stop.
        private static bool Interrupted(string command)
        {
            if (!ConsoleDevice.InterruptRequested())
                return false;
            Console.WriteLine($"{command}: stopped (Ctrl-C)");
            return true;
        }

        private void Clear(List<string> args) => ConsoleDevice.Clear();

        private void Uptime(List<string> args)
        {
            Console.WriteLine($"uptime: {Pit.UptimeMilliseconds} ms ({Pit.Ticks} ticks at {Pit.Hz} Hz)");
        }

        private void Sleep(List<string> args)
        {
            ulong ms = Arguments.ParseNumber(args[0], "MS");
            if (ms > 600000)
                throw new ArgumentOutOfRangeException(null, "MS: at most 600000 (ten minutes)");
            // In slices, so a Ctrl-C ends it within one.
            ulong start = Pit.UptimeMilliseconds;
            while (Pit.UptimeMilliseconds - start < ms)
            {
                ulong left = ms - (Pit.UptimeMilliseconds - start);
                Pit.Sleep(left < 20 ? left : 20);
                if (ConsoleDevice.InterruptRequested())
                {
                    Console.WriteLine($"sleep: stopped (Ctrl-C) after {Pit.UptimeMilliseconds - start} ms");
                    return;
                }
            }
            Console.WriteLine($"slept {ms} ms");
        }

        private void IrqCounters(List<string> args) => Irq.PrintCounters();

        private void Echo(List<string> args)
        {
            Console.WriteLine(string.Join(' ', args));
        }

        private void Reboot(List<string> args)
        {
            Console.WriteLine("rebooting");
            QemuExit.Report(QemuExit.UserReboot);   // under QEMU: "stopped by the user"; elsewhere nothing listens
            Machine.Reboot();
        }

        private void Halt(List<string> args)
        {
            Console.WriteLine(_selfTestsPassed ? "System halted." : "System halted (the boot's self-tests had failed).");
            QemuExit.ExitAndHalt(QemuExit.UserHalt);
        }
    }
}
