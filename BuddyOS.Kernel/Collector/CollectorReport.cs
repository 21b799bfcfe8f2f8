// The collector's lines in the boot report: its configuration once it is up, and the closing `gc:` line.
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel
{
    internal static unsafe class CollectorReport
    {
        public static void PrintConfiguration()
        {
            ConsoleDevice.Write("gc: ");
#if KERNEL_HEAP_BUMP
            ConsoleDevice.Write("no collector: ");
            ConsoleDevice.WriteLine(Collector.Unsupported);
#else
            ulong heap = (ulong)(KernelHeap.Top - KernelHeap.Bottom);
            ulong bytes = (ulong)Collector.MetadataBytes;
            ConsoleDevice.Write("mark-sweep collector, object and mark bits per ");
            ConsoleDevice.WriteDecimal((ulong)ObjectMap.Granule);
            ConsoleDevice.Write(" B + mark stack of ");
            ConsoleDevice.WriteDecimal((ulong)Collector.MarkStackCapacity);
            ConsoleDevice.Write(" entries = ");
            ConsoleDevice.WriteDecimal(bytes);
            ConsoleDevice.Write(" B (");
            ConsoleDevice.WriteDecimal(bytes * (1024 * 1024) / heap);
            ConsoleDevice.Write(" B per MiB of heap, ");
            ConsoleDevice.WriteFraction(bytes * 100, heap);
            ConsoleDevice.Write("%); ");
            ConsoleDevice.WriteDecimal((ulong)Collector.FrozenObjects);
            ConsoleDevice.Write(" frozen objects, none with references");
            if (Collector.StressEvery != 0)
            {
                ConsoleDevice.Write("; gc.stress: a collection every ");
                ConsoleDevice.WriteDecimal(Collector.StressEvery);
                ConsoleDevice.Write(" allocations");
            }
            ConsoleDevice.WriteLine();
#endif
        }

        // gc: N collections, B bytes reclaimed (O objects) of A bytes asked for, F freed by hand, longest pause C cycles, ...
        // Reclaimed bytes are what the heap held (block or slot sizes, never less than asked); asked-for and
        // freed-by-hand bytes are the sizes `new` requested. Only what is still live is missing from B + F.
        public static void Print()
        {
#if !KERNEL_HEAP_BUMP
            bool emulated = Hypervisor.IsQemuTcg(Hypervisor.Vendor());
            ConsoleDevice.Write("gc: ");
            ConsoleDevice.WriteDecimal(Collector.Collections);
            ConsoleDevice.Write(" collections, ");
            ConsoleDevice.WriteDecimal(Collector.BytesReclaimed);
            ConsoleDevice.Write(" bytes reclaimed (");
            ConsoleDevice.WriteDecimal(Collector.ObjectsReclaimed);
            ConsoleDevice.Write(" objects) of ");
            ConsoleDevice.WriteDecimal(KernelHeap.ObjectBytesAllocated);
            ConsoleDevice.Write(" bytes asked for, ");
            ConsoleDevice.WriteDecimal(KernelHeap.ObjectBytesFreed);
            ConsoleDevice.Write(" freed by hand, longest pause ");
            ConsoleDevice.WriteDecimal(Collector.LongestPause);
            ConsoleDevice.Write(emulated ? " emulated cycles (TCG)" : " cycles (TSC)");
            ConsoleDevice.Write(", mark-stack overflows ");
            ConsoleDevice.WriteDecimal(Collector.MarkStackOverflows);
            ConsoleDevice.WriteLine();
#endif
        }
    }
}
