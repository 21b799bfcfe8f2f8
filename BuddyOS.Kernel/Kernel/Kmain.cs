// The kernel's C# entry, called once by Boot/boot.asm in long mode with interrupts off.
// Order matters: output first (so anything after can report), then the heap (so `new` works),
// then static bases (they are heap objects), then everything else.
using System.Runtime.InteropServices;
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.SelfTest;
using BuddyOS.Protocol;
using Internal.Runtime.CompilerHelpers;

namespace BuddyOS.Kernel
{
    internal static unsafe class Kmain
    {
        [UnmanagedCallersOnly(EntryPoint = "kmain")]
        private static void Main(byte* multibootInfo, byte* heapBottom, byte* heapTop, byte* metadata, byte* metadataEnd, byte* kernelEnd)
        {
            Serial.Initialize();
            VgaText.Clear();
            Console.Write(ReportProtocol.KernelUp);
            Console.WriteLine(" (x86-64 long mode, C# compiled by NativeAOT ilc)");

            KernelHeap.Initialize(heapBottom, heapTop, metadata, metadataEnd);
            int staticBases = StartupCodeHelpers.InitializeModules();

            CommandLine options = CommandLine.Parse(Multiboot.CommandLine(multibootInfo));
            if (options.HeapChecks && KernelHeap.EnableChecks() != BuddyOS.Heap.HeapStatus.Ok)
                Console.WriteLine("heap.checks=on: this kernel has no heap debug checks");
            string hypervisor = Hypervisor.Vendor();
            BootReport.Print(options, hypervisor, staticBases);

            // A second 4 MiB, for the tests that need a heap of their own and for the benchmark, comes from
            // the boot memory map rather than .bss: the image stays small enough for every firmware to load.
            byte* scratch = Multiboot.FindFreeRange(multibootInfo, kernelEnd, ScratchHeap.Size);
            Console.Write("scratch: ");
            if (scratch == null)
                Console.WriteLine("no free 4 MiB in the memory map: the tests that need it will fail");
            else
            {
                Console.Write("4 MiB of RAM from the memory map at ");
                Console.WriteHex((ulong)scratch, 8);
                Console.WriteLine();
            }

            if (options.Crash == "null")
                CrashWithNullDereference();
            else if (options.Crash == "use_after_free")
                CrashWithUseAfterFree();
            else if (options.Crash == "hang")
            {
                Console.WriteLine("crash=hang: spinning forever with interrupts off");
                Machine.SpinForever();
            }

            TestResults results = SelfTests.Run(options, scratch);
            if (scratch != null)
                Benchmark.Run(scratch, Hypervisor.IsQemuTcg(hypervisor));

            bool success = results.Failed == 0 && results.Passed > 0;
            Console.WriteLine(success ? "BuddyOS: all self-tests passed" : "BuddyOS: SELF-TESTS FAILED");
            QemuExit.ExitAndHalt(success ? QemuExit.AllPassed : QemuExit.TestsFailed);
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
            Console.WriteLine("crash=use_after_free: writing to a freed array, then allocating one of its size");
            victim[8] = 0x1234;   // the array's memory is free now
            int[] next = new int[16];
            Console.WriteLine(Internal.Runtime.Allocator.AddressOf(next) == Internal.Runtime.Allocator.AddressOf(victim)
                ? "crash=use_after_free: not caught (heap.checks is off): the new array is the freed one"
                : "crash=use_after_free: the heap did not reuse the freed block; nothing to show");
            KernelHeap.Free(next);
            KernelHeap.Free(neighbour);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CrashWithNullDereference()
        {
            Console.WriteLine("crash=null: reading address 0");
            int* nowhere = null;
            Console.WriteDecimal((long)*nowhere);   // page 0 is unmapped: #PF
        }
    }
}
