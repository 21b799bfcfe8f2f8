// In-kernel collector benchmark, on the kernel heap itself (the collector serves only it), after the
// self-tests. Both figures are ratios within this boot, TSC cycles (emulated under QEMU TCG), each side the
// best of three interleaved trials (under TCG the TSC follows the host's clock, so a trial the host
// preempted only ever looks slower):
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
            const int Objects = 262144;   // 8 MiB of 32-byte blocks: two heapfuls
            const int Trials = 3;

            ulong explicitCycles = ulong.MaxValue, collectedCycles = ulong.MaxValue;
            int collections = GC.CollectionCount(0);
            for (int trial = 0; trial < Trials; trial++)
            {
                GC.Collect();
                explicitCycles = Min(explicitCycles, AllocateAndFree(Objects));
                GC.Collect();
                collectedCycles = Min(collectedCycles, AllocateAndCollect(Objects));
            }
            collections = (GC.CollectionCount(0) - collections - 2 * Trials) / Trials;   // per collector trial, less the GC.Collect()s between trials

            string speedTarget = explicitCycles * 100 >= collectedCycles * 80 ? "met" : "missed";
            Console.WriteLine($"bench: gc throughput, {Objects} x 24 B objects: explicit free {explicitCycles / (ulong)Objects}, collector {collectedCycles / (ulong)Objects} "
                + $"per object (best of 3; {collections} collections a trial);{unit}");
            Console.WriteLine($"bench: collector/explicit speed {(double)explicitCycles / collectedCycles:F2}x (target >= 0.80x: {speedTarget})");

            GC.Collect();
            int nodes = (int)(((ulong)KernelHeap.Statistics.FreeBytes - (512UL << 10)) / 32);
            ulong pause = ulong.MaxValue, allocationCycles = ulong.MaxValue, scan = 0, words = 0, sweep = 0;
            for (int trial = 0; trial < Trials; trial++)
            {
                ulong thisPause = PauseWithLiveList(nodes, out ulong allocation);
                if (thisPause < pause)
                {
                    pause = thisPause;   // and the phases of that collection, before the next one overwrites them
                    scan = Collector.LastStackScanCycles;
                    words = Collector.LastStackWords;
                    sweep = Collector.LastSweepCycles;
                }
                allocationCycles = Min(allocationCycles, allocation);
                GC.Collect();
            }
            string pauseTarget = pause <= allocationCycles ? "met" : "missed";
            Console.WriteLine($"bench: gc pause, heap full of {nodes} live 24 B objects (best of 3): collection {pause}, allocating them {allocationCycles};{unit}");
            Console.WriteLine($"bench: pause/allocation {(double)pause / allocationCycles:F2}x (target <= 1.00x: {pauseTarget}); of the pause, "
                + $"conservative stack scan {scan} cycles for {words} words, sweep {sweep} cycles");
            GC.Collect();
#endif
        }

        private static ulong Min(ulong a, ulong b) => a < b ? a : b;

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
