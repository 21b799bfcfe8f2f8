// In-kernel collector benchmark, on the kernel heap itself (the collector serves only it), after the
// self-tests. Both figures are ratios within this boot, TSC cycles (emulated under QEMU TCG):
//   - throughput: the same allocation loop of small objects, once freeing each object by hand and once
//     leaving them all to the collector (its collections, and a final one, counted in): speed ratio;
//   - pause: a full collection while the heap holds a linked list of small live objects, against the
//     time it took to allocate that list; with the conservative stack scan's share of the pause.
using System;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel
{
    internal static unsafe class CollectorBenchmark
    {
        private sealed class Small
        {
            public int Value;
        }

        private sealed class Link
        {
            public Link Next;
            public int Value;
        }

        public static void Run(bool emulated)
        {
#if !KERNEL_HEAP_BUMP
            string unit = emulated ? " emulated cycles (TCG)" : " cycles (TSC)";
            const int Objects = 400000;   // 12.5 MiB of 32-byte blocks: three heapfuls

            GC.Collect();
            ulong explicitCycles = AllocateAndFree(Objects);
            GC.Collect();
            int collections = GC.CollectionCount(0);
            ulong collectedCycles = AllocateAndCollect(Objects);
            collections = GC.CollectionCount(0) - collections;

            Console.Write("bench: gc throughput, ");
            Console.WriteDecimal((ulong)Objects);
            Console.Write(" x 24 B objects: explicit free ");
            Console.WriteDecimal(explicitCycles / Objects);
            Console.Write(", collector ");
            Console.WriteDecimal(collectedCycles / Objects);
            Console.Write(" per object (");
            Console.WriteDecimal((ulong)collections);
            Console.Write(" collections);");
            Console.WriteLine(unit);
            Console.Write("bench: collector/explicit speed ");
            Console.WriteFraction(explicitCycles, collectedCycles);
            Console.WriteLine("x (target >= 0.80x)");

            GC.Collect();
            ulong allocationCycles;
            int nodes = (int)(((ulong)KernelHeap.Statistics.FreeBytes - (512UL << 10)) / 32);
            ulong pause = PauseWithLiveList(nodes, out allocationCycles);
            Console.Write("bench: gc pause, heap full of ");
            Console.WriteDecimal((ulong)nodes);
            Console.Write(" live 24 B objects: collection ");
            Console.WriteDecimal(pause);
            Console.Write(", allocating them ");
            Console.WriteDecimal(allocationCycles);
            Console.Write(";");
            Console.WriteLine(unit);
            Console.Write("bench: pause/allocation ");
            Console.WriteFraction(pause, allocationCycles);
            Console.Write("x (target <= 1.00x); of the pause, conservative stack scan ");
            Console.WriteDecimal(Collector.LastStackScanCycles);
            Console.Write(" cycles for ");
            Console.WriteDecimal(Collector.LastStackWords);
            Console.Write(" words, sweep ");
            Console.WriteDecimal(Collector.LastSweepCycles);
            Console.WriteLine(" cycles");
            GC.Collect();
#endif
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong AllocateAndFree(int count)
        {
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < count; i++)
            {
                Small s = new Small();
                s.Value = i;
                KernelHeap.Free(s);
            }
            return Machine.Rdtsc() - start;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong AllocateAndCollect(int count)
        {
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < count; i++)
            {
                Small s = new Small();
                s.Value = i;
            }
            GC.Collect();   // the last heapful is reclaimed too, as the explicit loop's was
            return Machine.Rdtsc() - start;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong PauseWithLiveList(int count, out ulong allocationCycles)
        {
            ulong start = Machine.Rdtsc();
            Link head = null;
            for (int i = 0; i < count; i++)
            {
                Link l = new Link();
                l.Value = i;
                l.Next = head;
                head = l;
            }
            ulong built = Machine.Rdtsc();
            GC.Collect();
            ulong collected = Machine.Rdtsc();
            allocationCycles = built - start;
            GC.KeepAlive(head);
            return collected - built;
        }
    }
}
