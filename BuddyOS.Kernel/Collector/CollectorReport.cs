// The collector's lines in the boot report: its configuration once it is up, and the closing `gc:` line (the host
// tests read both: KernelCollectorTests).
using System;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel
{
    internal static unsafe class CollectorReport
    {
        public static void PrintConfiguration()
        {
#if KERNEL_HEAP_BUMP
            Console.WriteLine($"gc: no collector: {Collector.Unsupported}");
#else
            ulong heap = (ulong)(KernelHeap.Top - KernelHeap.Bottom);
            ulong bytes = (ulong)Collector.MetadataBytes;
            string stress = Collector.StressEvery == 0 ? "" : $"; gc.stress: a collection every {Collector.StressEvery} allocations";
            Console.WriteLine($"gc: mark-sweep collector, object and mark bits per {ObjectMap.Granule} B + mark stack of {Collector.MarkStackCapacity} entries = {bytes} B "
                + $"({bytes * (1024 * 1024) / heap} B per MiB of heap, {bytes * 100.0 / heap:F2}%); {Collector.FrozenObjects} frozen objects, "
                + $"{Collector.FrozenObjectsWithReferences} of them with references (traced as roots){stress}");
#endif
        }

        // gc: N collections, B bytes reclaimed (O objects) of A bytes asked for, F freed by hand, longest pause C cycles, ...
        // Reclaimed bytes are what the heap held (block or slot sizes, never less than asked); asked-for and
        // freed-by-hand bytes are the sizes `new` requested. Only what is still live is missing from B + F.
        public static void Print()
        {
#if !KERNEL_HEAP_BUMP
            string unit = Hypervisor.IsQemuTcg(Hypervisor.Vendor()) ? "emulated cycles (TCG)" : "cycles (TSC)";
            Console.WriteLine($"gc: {Collector.Collections} collections, {Collector.BytesReclaimed} bytes reclaimed ({Collector.ObjectsReclaimed} objects) "
                + $"of {KernelHeap.ObjectBytesAllocated} bytes asked for, {KernelHeap.ObjectBytesFreed} freed by hand, longest pause {Collector.LongestPause} {unit}, "
                + $"mark-stack overflows {Collector.MarkStackOverflows}, weak handles cleared {Collector.WeakHandlesCleared}, finalizers run {Finalization.FinalizersRun}");
#endif
        }
    }
}
