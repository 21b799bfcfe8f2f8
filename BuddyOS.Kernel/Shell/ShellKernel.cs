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

    internal sealed unsafe class ShellKernel : InteractiveKernel
    {
        public const string Prompt = BuddyOS.Protocol.ReportProtocol.ShellPrompt;

        private readonly CommandLine _options;
        private readonly byte* _scratch;
        private readonly bool _selfTestsPassed;
        private readonly List<Command> _commands = new List<Command>();
        public const int MaxRawBlocks = 256;
        private readonly ulong[] _rawBlocks = new ulong[MaxRawBlocks];   // what `alloc` gave out and `free` may take back
        private int _rawCount;

        public ShellKernel(CommandLine options, byte* scratch, bool selfTestsPassed)
        {
            _options = options;
            _scratch = scratch;
            _selfTestsPassed = selfTestsPassed;
            Add("help", "", "this list", 0, 0, Help);
            Add("mem", "", "heap statistics and free blocks per order", 0, 0, Mem);
            Add("map", "[ADDR]", "a picture of the heap: free, allocated, split; ADDR: 64 KiB from there", 0, 1, Map);
            Add("alloc", "SIZE [ALIGN]", "allocate a raw block (never collected) and print its address", 1, 2, Alloc);
            Add("free", "ADDR...", "free blocks `alloc` gave; a bad address prints the heap's status", 1, 16, Free);
            Add("gc", "", "collect garbage and print what was reclaimed", 0, 0, Gc);
            Add("test", "[NAME]", "rerun the self-tests, or one of them", 0, 1, Test);
            Add("bench", "", "the heap and collector benchmarks", 0, 0, Bench);
            Add("uptime", "", "time since the timer started, from PIT ticks", 0, 0, Uptime);
            Add("sleep", "MS", "wait MS milliseconds on the timer", 1, 1, Sleep);
            Add("irq", "", "interrupt counters", 0, 0, IrqCounters);
            Add("echo", "TEXT...", "print the words back", 0, 64, Echo);
            Add("reboot", "", "reset the machine (QEMU with -no-reboot exits)", 0, 0, Reboot);
            Add("halt", "", "stop the machine (QEMU exits with the self-tests' status)", 0, 0, Halt);
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
            Console.Write(Prompt);
            string line = Console.ReadLine();
            List<string> words = Arguments.Split(line);
            if (words.Count == 0)
                return;
            Command command = Find(words[0]);
            if (command == null)
            {
                Console.Write("unknown command: ");
                Console.Write(words[0]);
                Console.WriteLine(" (help lists the commands)");
                return;
            }
            List<string> args = new List<string>();
            for (int i = 1; i < words.Count; i++)
                args.Add(words[i]);
            if (args.Count < command.MinArgs || args.Count > command.MaxArgs)
            {
                Console.Write("usage: ");
                Console.Write(command.Name);
                Console.Write(" ");
                Console.WriteLine(command.Usage);
                return;
            }
            try
            {
                command.Body(args);
            }
            catch (Exception e)
            {
                Console.Write("error: ");
                Console.WriteLine(e.Message);
            }
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
            for (int i = 0; i < _commands.Count; i++)
            {
                Command c = _commands[i];
                Console.Write("  ");
                Console.Write(c.Name);
                int width = c.Name.Length;
                if (c.Usage.Length > 0)
                {
                    Console.Write(" ");
                    Console.Write(c.Usage);
                    width += 1 + c.Usage.Length;
                }
                for (; width < 20; width++)
                    Console.Write(' ');
                Console.Write(" ");
                Console.WriteLine(c.Help);
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
                Console.Write("alloc: ");
                Console.Write(HeapStatusNames.Name(status));
                Console.WriteLine(" (nothing changed)");
                return;
            }
            _rawBlocks[_rawCount++] = (ulong)block;
            KernelHeap.Heap.TryFindBlock(block, out HeapBlock b);
            Console.Write("allocated ");
            Console.WriteDecimal(size);
            Console.Write(" bytes at ");
            Console.WriteHex((ulong)block, 10);
            Console.Write(" (block of ");
            Console.WriteDecimal((ulong)b.Size);
            if (b.Order < 0)
                Console.WriteLine(" bytes, a slot of the object cache)");   // a slab slot has no buddy order
            else if ((ulong)b.Size != (16UL << b.Order))
            {
                Console.Write(" bytes, a trimmed run: a head of order ");   // the request rounded to 256 B, in pieces
                Console.WriteDecimal((ulong)b.Order);
                Console.WriteLine(" and tail pieces)");
            }
            else
            {
                Console.Write(" bytes, order ");
                Console.WriteDecimal((ulong)b.Order);
                Console.WriteLine(")");
            }
        }

        // Several addresses in one line free one after the other with no allocation between them: `free A A`
        // shows a double free (a second `free A` typed later may find A's block reused by the shell's own objects).
        private void Free(List<string> args)
        {
            for (int i = 0; i < args.Count; i++)
                FreeOne(Arguments.ParseNumber(args[i], "ADDR"));
        }

        private void FreeOne(ulong address)
        {
            byte* p = (byte*)address;
            int mine = -1;
            for (int i = 0; i < _rawCount; i++)
                if (_rawBlocks[i] == address)
                    mine = i;
            // The start of an allocated block the shell did not hand out is a live object or kernel memory.
            if (mine < 0 && KernelHeap.Heap.TryFindBlock(p, out HeapBlock block) && !block.IsFree && block.Start == p)
            {
                Console.Write("free ");
                Console.WriteHex(address, 10);
                Console.WriteLine(": not a block alloc gave out (a live object or kernel memory); not freed");
                return;
            }
            nuint size = KernelHeap.Heap.TryFindBlock(p, out HeapBlock before) ? before.Size : 0;
            HeapStatus status = KernelHeap.TryFreeRaw(p);
            Console.Write("free ");
            Console.WriteHex(address, 10);
            if (status != HeapStatus.Ok)
            {
                Console.Write(": ");
                Console.Write(HeapStatusNames.Name(status));
                Console.WriteLine(" (nothing changed)");
                return;
            }
            _rawBlocks[mine] = _rawBlocks[--_rawCount];
            Console.Write(": freed a block of ");
            Console.WriteDecimal((ulong)size);
            Console.WriteLine(" bytes");
        }
#endif

        private void Gc(List<string> args)
        {
#if KERNEL_HEAP_BUMP
            throw new NotSupportedException(Collector.Unsupported);
#else
            GC.Collect();
            Console.Write("gc: reclaimed ");
            Console.WriteDecimal(Collector.LastBytesReclaimed);
            Console.Write(" bytes in ");
            Console.WriteDecimal(Collector.LastObjectsReclaimed);
            Console.Write(" objects; pause ");
            Console.WriteDecimal(Collector.LastPause);
            Console.Write(Hypervisor.IsQemuTcg(Hypervisor.Vendor()) ? " emulated cycles; " : " cycles; ");
            Console.WriteDecimal(Collector.Collections);
            Console.WriteLine(" collections since boot");
#endif
        }

        private void Test(List<string> args)
        {
            CommandLine options = CommandLine.Parse(_options.Raw);
            if (args.Count == 1)
                options.OnlyTests = args[0];
            TestResults results = SelfTests.Run(options, _scratch);
            if (results.Passed + results.Failed + results.ExpectedFailures == 0)
            {
                Console.Write("test: no self-test named ");
                Console.WriteLine(args[0]);
            }
        }

        private void Bench(List<string> args)
        {
            bool emulated = Hypervisor.IsQemuTcg(Hypervisor.Vendor());
            if (Benchmark.SkippedUnderStress())
                return;
            if (_scratch != null)
                Benchmark.Run(_scratch, emulated);
            else
                Console.WriteLine("bench: no scratch memory (see the boot report); the heap benchmark is skipped");
            CollectorBenchmark.Run(emulated);
        }

        private void Uptime(List<string> args)
        {
            Console.Write("uptime: ");
            Console.WriteDecimal(Pit.UptimeMilliseconds);
            Console.Write(" ms (");
            Console.WriteDecimal(Pit.Ticks);
            Console.Write(" ticks at ");
            Console.WriteDecimal((ulong)Pit.Hz);
            Console.WriteLine(" Hz)");
        }

        private void Sleep(List<string> args)
        {
            ulong ms = Arguments.ParseNumber(args[0], "MS");
            if (ms > 600000)
                throw new ArgumentOutOfRangeException("MS: at most 600000 (ten minutes)");
            Pit.Sleep(ms);
            Console.Write("slept ");
            Console.WriteDecimal(ms);
            Console.WriteLine(" ms");
        }

        private void IrqCounters(List<string> args) => Irq.PrintCounters();

        private void Echo(List<string> args)
        {
            for (int i = 0; i < args.Count; i++)
            {
                if (i > 0)
                    Console.Write(' ');
                Console.Write(args[i]);
            }
            Console.WriteLine();
        }

        private void Reboot(List<string> args)
        {
            Console.WriteLine("rebooting");
            Machine.Reboot();
        }

        private void Halt(List<string> args)
        {
            Console.WriteLine("System halted.");
            QemuExit.ExitAndHalt(_selfTestsPassed ? QemuExit.AllPassed : QemuExit.TestsFailed);
        }
    }
}
