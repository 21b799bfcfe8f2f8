// The collector's lines in the boot report: its configuration once it is up, and the closing `gc:` line.
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel
{
    internal static unsafe class CollectorReport
    {
        public static void PrintConfiguration()
        {
            Console.Write("gc: ");
#if KERNEL_HEAP_BUMP
            Console.Write("no collector: ");
            Console.WriteLine(Collector.Unsupported);
#else
            ulong heap = (ulong)(KernelHeap.Top - KernelHeap.Bottom);
            ulong bytes = (ulong)Collector.MetadataBytes;
            Console.Write("mark-sweep collector, object and mark bits per ");
            Console.WriteDecimal((ulong)ObjectMap.Granule);
            Console.Write(" B + mark stack of ");
            Console.WriteDecimal((ulong)Collector.MarkStackCapacity);
            Console.Write(" entries = ");
            Console.WriteDecimal(bytes);
            Console.Write(" B (");
            Console.WriteDecimal(bytes * (1024 * 1024) / heap);
            Console.Write(" B per MiB of heap, ");
            Console.WriteFraction(bytes * 100, heap);
            Console.Write("%); ");
            Console.WriteDecimal((ulong)Collector.FrozenObjects);
            Console.Write(" frozen objects, none with references");
            if (Collector.StressEvery != 0)
            {
                Console.Write("; gc.stress: a collection every ");
                Console.WriteDecimal(Collector.StressEvery);
                Console.Write(" allocations");
            }
            Console.WriteLine();
#endif
        }

        // gc: N collections, B bytes reclaimed (O objects) of A bytes asked for, F freed by hand, longest pause C cycles, ...
        // Reclaimed bytes are what the heap held (block or slot sizes, never less than asked); asked-for and
        // freed-by-hand bytes are the sizes `new` requested. Only what is still live is missing from B + F.
        public static void Print()
        {
#if !KERNEL_HEAP_BUMP
            bool emulated = Hypervisor.IsQemuTcg(Hypervisor.Vendor());
            Console.Write("gc: ");
            Console.WriteDecimal(Collector.Collections);
            Console.Write(" collections, ");
            Console.WriteDecimal(Collector.BytesReclaimed);
            Console.Write(" bytes reclaimed (");
            Console.WriteDecimal(Collector.ObjectsReclaimed);
            Console.Write(" objects) of ");
            Console.WriteDecimal(KernelHeap.ObjectBytesAllocated);
            Console.Write(" bytes asked for, ");
            Console.WriteDecimal(KernelHeap.ObjectBytesFreed);
            Console.Write(" freed by hand, longest pause ");
            Console.WriteDecimal(Collector.LongestPause);
            Console.Write(emulated ? " emulated cycles (TCG)" : " cycles (TSC)");
            Console.Write(", mark-stack overflows ");
            Console.WriteDecimal(Collector.MarkStackOverflows);
            Console.WriteLine();
#endif
        }
    }
}
