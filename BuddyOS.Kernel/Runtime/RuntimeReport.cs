// The runtime layer's lines of the boot report, written with System.Console: where the image and the runtime's
// own memory are, what CoreLib's start-up made, the clock and the random source; at the end, what the runtime
// holds after the self-tests. Format: "runtime: ..." lines (the host tests read them: KernelRuntimeTests).
using System;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class RuntimeReport
    {
        public const string Prefix = "runtime: ";
        public const string HeldBeforeTests = "runtime: heap held before the first self-test: ";

        public static void PrintStartup(int staticBases)
        {
            ulong image = (ulong)(Modules.ImageEnd() - Modules.ImageBase());
            Console.WriteLine($"{Prefix}{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}: the real System.Private.CoreLib (NativeAOT runtime pack), "
                + $"code and data {image / 1024} KiB at 0x{(ulong)Modules.ImageBase():X8}, .bss at 0x{(ulong)PhysicalMemory.BssStartAddress:X8}");
            Console.WriteLine($"{Prefix}start-up made {staticBases} static bases on the heap, {GcHandles.InUse} GC handles, "
                + $"{FrozenSegments.Count} frozen-object segment(s)");
            Console.WriteLine($"{Prefix}clock: TSC {Clock.TscHz / 1e6:F1} MHz (calibrated against the PIT), "
                + $"CMOS clock {Clock.BootTime.Year:D4}-{Clock.BootTime.Month:D2}-{Clock.BootTime.Day:D2} "
                + $"{Clock.BootTime.Hour:D2}:{Clock.BootTime.Minute:D2}:{Clock.BootTime.Second:D2} UTC; random: {Platform.Random.Source}");
        }

        // After the self-tests and benchmarks: the memory the runtime took outside objects, and its tables.
        public static void PrintClosing()
        {
            byte* reservation = Platform.Memory.FirstReservation;
            string foh = reservation == null ? "none reserved"
                : $"{Platform.Memory.ReservedBytes / 1024} KiB reserved at 0x{(ulong)reservation:X8}, {Platform.Memory.CommittedBytes / 1024} KiB committed";
            Console.WriteLine($"{Prefix}outside the heap: frozen-object heap (MMap) {foh}; {PhysicalMemory.BytesTaken / 1024} KiB of RAM taken "
                + "from the memory map in all (scratch heap included)");
            Console.WriteLine($"{Prefix}GC handles {GcHandles.InUse} in use of {GcHandles.Capacity} ({GcHandles.Bytes / 1024} KiB); "
                + $"native blocks (NativeMemory) {Platform.Memory.MallocBlocks}; interface dispatch cache misses {InterfaceDispatch.Misses}; "
                + $"finalizers {GarbageCollection.Finalization.FinalizersRun} run, {GarbageCollection.Finalization.Pending} pending, "
                + $"{GarbageCollection.Finalization.Registered} objects registered");
        }
    }
}
