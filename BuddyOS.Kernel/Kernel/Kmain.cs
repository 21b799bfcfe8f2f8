// The kernel's C# entry, called once by Boot/boot.asm in long mode with interrupts off.
// Order matters: output first (so anything after can report), then the heap (so `new` works), then CoreLib's
// start-up (static bases are heap objects; until it ran, no code may touch a reference-typed static or a type
// with a static constructor), then the collector (its roots are those bases and CoreLib's handles), then the rest.
using System.Runtime.InteropServices;
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.GarbageCollection;
using BuddyOS.Kernel.SelfTest;
using BuddyOS.Protocol;

namespace BuddyOS.Kernel
{
    internal static unsafe class Kmain
    {
        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void Main(byte* multibootInfo, byte* heapBottom, byte* heapTop, byte* metadata, byte* metadataEnd, byte* kernelEnd)
        {
            Serial.Initialize();
            Drivers.Screen.Initialize(multibootInfo);
            ConsoleDevice.Write(ReportProtocol.KernelUp);
            ConsoleDevice.WriteLine(" (x86-64 long mode, C# compiled by NativeAOT ilc)");

            KernelHeap.Initialize(heapBottom, heapTop, metadata, metadataEnd);
            Collector.Initialize();   // the object map, before the first object
            PhysicalMemory.Initialize(multibootInfo, kernelEnd);
            Runtime.Startup.Run();    // CoreLib: static bases, frozen segments, class constructors, library initializers
            int staticBases = Runtime.Startup.CountStaticBases();
            Collector.Start();        // its roots exist: from here on, garbage is collected
            Clock.Initialize();
            Runtime.Platform.Random.Initialize();

            CommandLine options = CommandLine.Parse(Multiboot.CommandLine(multibootInfo));
            Collector.SetStress(options.GcStress);
            // From here on the timer, the keyboard and COM1 interrupt whatever runs, self-tests included.
            Interrupts.Irq.Initialize(options.TimerHz);
            if (options.HeapChecks && KernelHeap.EnableChecks() != BuddyOS.Heap.HeapStatus.Ok)
                ConsoleDevice.WriteLine("heap.checks=on: this kernel has no heap debug checks");
            string hypervisor = Hypervisor.Vendor();
            BootReport.Print(options, hypervisor);
            Runtime.RuntimeReport.PrintStartup(staticBases);
            Screen.PrintReport();
            CollectorReport.PrintConfiguration();

            // A second 4 MiB, for the tests that need a heap of their own and for the benchmark, comes from
            // the boot memory map rather than .bss: the image stays small enough for every firmware to load.
            byte* scratch = PhysicalMemory.Take(ScratchHeap.Size, ScratchHeap.Size);
            ConsoleDevice.Write("scratch: ");
            if (scratch == null)
                ConsoleDevice.WriteLine("no free 4 MiB in the memory map: the tests that need it will fail");
            else
            {
                ConsoleDevice.Write("4 MiB of RAM from the memory map at ");
                ConsoleDevice.WriteHex((ulong)scratch, 8);
                ConsoleDevice.WriteLine();
            }

            Exceptions.ExceptionReport.Print();

            if (options.Crash == "null")
                CrashWithNullDereference();
            else if (options.Crash == "oom")
                CrashWithOutOfMemory();
            else if (options.Crash == "unhandled")
                CrashWithUnhandledException();
            else if (options.Crash == "dispatcher")
                CrashInsideDispatcher();
            else if (options.Crash == "use_after_free")
                CrashWithUseAfterFree();
            else if (options.Crash == "irq")
                CrashInsideInterruptHandler();
            else if (options.Crash == "triple_fault")
            {
                ConsoleDevice.WriteLine("crash=triple_fault: loading an empty IDT and raising int3");
                Machine.TripleFault();
            }
            else if (options.Crash == "hang")
            {
                ConsoleDevice.WriteLine("crash=hang: spinning forever with interrupts off");
                Machine.SpinForever();
            }

            // A kernel of the user's own (its class registered by the SDK's generated module initializer during
            // Startup.Run) runs its own self-tests and no benchmarks; without one the BuddyOS shell is the kernel.
            Framework.Kernel kernel = Framework.Kernel.CreateRegistered(options);
            TestResults results = kernel == null ? SelfTests.Run(options, scratch) : kernel.RunSelfTests(options, scratch);
            if (kernel == null && !Benchmark.SkippedUnderStress())
            {
                if (scratch != null)
                    Benchmark.Run(scratch, Hypervisor.IsQemuTcg(hypervisor));
                CollectorBenchmark.Run(Hypervisor.IsQemuTcg(hypervisor));
            }

            Runtime.RuntimeReport.PrintClosing();
            CollectorReport.Print();
            Interrupts.Irq.PrintCounters();

            bool success = results.Failed == 0 && (results.Passed > 0 || kernel != null);
            ConsoleDevice.SetColor(success ? Drivers.VgaText.Green : Drivers.VgaText.Red);
            ConsoleDevice.WriteLine(success ? "BuddyOS: all self-tests passed" : "BuddyOS: SELF-TESTS FAILED");
            ConsoleDevice.ResetColor();
            kernel?.RunAndHalt(success);
            // Under QEMU the host reads the report and the exit status; anywhere else a person is watching.
            if (options.Shell || !Hypervisor.IsQemu(hypervisor))
                new Shell.ShellKernel(options, scratch, success).Start();
            QemuExit.ExitAndHalt(success ? QemuExit.AllPassed : QemuExit.TestsFailed);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashInsideInterruptHandler()
        {
            ConsoleDevice.WriteLine("crash=irq: the next timer interrupt faults inside its handler");
            Interrupts.Irq.InjectTimerFault();
            while (true)
                Interrupts.Pit.Sleep(1000);
        }

        // Keeps every 64 KiB array it makes reachable: the collector can free nothing, so allocation must end in
        // the out-of-memory panic (after a collection that freed what garbage there was).
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashWithOutOfMemory()
        {
            ConsoleDevice.WriteLine("crash=oom: keeping 64 KiB arrays reachable until the heap is full");
            System.Collections.Generic.List<byte[]> kept = new System.Collections.Generic.List<byte[]>();
            while (true)
                kept.Add(new byte[64 * 1024]);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashWithUnhandledException()
        {
            ConsoleDevice.WriteLine("crash=unhandled: throwing an exception nothing catches");
            throw new System.InvalidOperationException("crash=unhandled asked for an exception nothing catches");
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashInsideDispatcher()
        {
            ConsoleDevice.WriteLine("crash=dispatcher: the dispatcher faults in its first pass");
            Exceptions.ExceptionDispatcher.InjectFault = true;
            try
            {
                throw new System.InvalidOperationException("crash=dispatcher");
            }
            catch (System.InvalidOperationException)
            {
                ConsoleDevice.WriteLine("crash=dispatcher: caught, which it must not be");
            }
        }

        // Frees an array, writes into it, allocates the same size again. The neighbour keeps the freed block
        // from merging, so the next allocation of that size reuses it (LIFO): with heap.checks=on its poison
        // check panics; without, the write goes unseen.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashWithUseAfterFree()
        {
            int[] victim = new int[16];
            int[] neighbour = new int[16];
            KernelHeap.Free(victim);
            ConsoleDevice.WriteLine("crash=use_after_free: writing to a freed array, then allocating one of its size");
            victim[8] = 0x1234;   // the array's memory is free now
            int[] next = new int[16];
            ConsoleDevice.WriteLine(Runtime.Allocation.AddressOf(next) == Runtime.Allocation.AddressOf(victim)
                ? "crash=use_after_free: not caught (heap.checks is off): the new array is the freed one"
                : "crash=use_after_free: the heap did not reuse the freed block; nothing to show");
            KernelHeap.Free(next);
            KernelHeap.Free(neighbour);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashWithNullDereference()
        {
            ConsoleDevice.WriteLine("crash=null: reading address 0");
            int* nowhere = null;
            ConsoleDevice.WriteDecimal((long)*nowhere);   // page 0 is unmapped: #PF
        }
    }
}
