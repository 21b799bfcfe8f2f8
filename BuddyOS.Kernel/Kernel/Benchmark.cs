// In-kernel allocator benchmark: TSC cycles per allocate and per free of 48-byte blocks on the kernel's heap kind
// (BuddyHeap: the buddy with its object cache and placement), the buddy core alone and the tutorial bump heap, each
// over the same fresh 4 MiB scratch region. Trials interleave the three (the order rotates each trial), so a stretch of
// host load hits all of them alike; every figure is a median over the trials, and the ratios are medians of the
// per-trial ratios, with their spread. Under QEMU TCG the TSC counts emulated cycles, which follow the host's clock:
// the absolute numbers only compare with each other; the ratios are the point. Under gc.stress the benchmarks are
// skipped (every Nth allocation collects: that is what they would measure).
using System;
using BuddyOS.Heap;
using BuddyOS.Kernel.GarbageCollection;
using BuddyOS.Kernel.SelfTest;

namespace BuddyOS.Kernel
{
    internal static unsafe class Benchmark
    {
        private const int Trials = 11;
        private const int Operations = 2000;   // allocations, then as many frees, per heap per trial
        private const nuint BlockSize = 48;
        private const ulong TargetHundredths = 150;   // buddy+slabs at most 1.50x the bump heap, per allocation and per free

        private const int Layered = 0, Pure = 1, Bump = 2, Heaps = 3;

        public static void Run(byte* scratch, bool emulated)
        {
            string unit = emulated ? "emulated cycles (TCG)" : "cycles (TSC)";
            nint[] blocks = new nint[Operations];
            ulong* allocate = stackalloc ulong[Heaps * Trials];
            ulong* free = stackalloc ulong[Heaps * Trials];
            byte* bumpMetadata = KernelHeap.AllocateRaw(BumpHeap.MetadataBytes(), 16);
            for (int trial = 0; trial < Trials; trial++)
            {
                for (int i = 0; i < Heaps; i++)
                {
                    int heap = (i + trial) % Heaps;
                    int at = heap * Trials + trial;
                    if (heap == Layered)
                    {
                        BuddyHeap layered = ScratchHeap.CreateLayered();
                        Measure(ref layered, blocks, out allocate[at], out free[at]);
                    }
                    else if (heap == Pure)
                    {
                        PureBuddyHeap pure = ScratchHeap.CreateFresh();
                        Measure(ref pure, blocks, out allocate[at], out free[at]);
                    }
                    else
                    {
                        BumpHeap.TryCreate(scratch, ScratchHeap.Size, bumpMetadata, BumpHeap.MetadataBytes(), out BumpHeap bump);
                        Measure(ref bump, blocks, out allocate[at], out free[at]);
                    }
                }
            }

            Console.WriteLine($"bench: heap, {Trials} interleaved trials of {Operations} x {BlockSize} B allocations then frees per heap; medians, {unit}");
            WriteHeap("bench: buddy+slabs alloc ", allocate + Layered * Trials, free + Layered * Trials);
            WriteHeap("bench: pure buddy  alloc ", allocate + Pure * Trials, free + Pure * Trials);
            WriteHeap("bench: bump        alloc ", allocate + Bump * Trials, free + Bump * Trials);
            WriteRatio("bench: buddy+slabs/bump per allocation ", allocate + Layered * Trials, allocate + Bump * Trials, true);
            WriteRatio("bench: buddy+slabs/bump per free ", free + Layered * Trials, free + Bump * Trials, true);
            WriteRatio("bench: pure buddy/bump per allocation ", allocate + Pure * Trials, allocate + Bump * Trials, false);
            WriteRatio("bench: pure buddy/bump per free ", free + Pure * Trials, free + Bump * Trials, false);
            ExceptionBenchmark.Run(unit);
        }

        // gc.stress collects before every Nth object allocation: what the benchmarks would time is that, not the heap.
        public static bool SkippedUnderStress()
        {
#if KERNEL_HEAP_BUMP
            return false;
#else
            if (Collector.StressEvery == 0)
                return false;
            Console.WriteLine($"{BuddyOS.Protocol.ReportProtocol.BenchmarksSkipped}{Collector.StressEvery} collects every few allocations, which is what the benchmarks would measure");
            return true;
#endif
        }

        // Generic over the heap type so each is called directly, with no interface dispatch in the loop.
        private static void Measure<THeap>(ref THeap heap, nint[] blocks, out ulong allocate, out ulong free)
            where THeap : struct, IHeapAllocator
        {
            ulong start = Machine.Rdtsc();
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = (nint)heap.Allocate(BlockSize, 16);
            ulong middle = Machine.Rdtsc();
            for (int i = 0; i < blocks.Length; i++)
                heap.Free((byte*)blocks[i]);
            ulong end = Machine.Rdtsc();
            if (blocks[blocks.Length - 1] == 0)
                Panic.Fail("benchmark heap ran out; blocks", (ulong)blocks.Length);
            allocate = (middle - start) / (ulong)blocks.Length;
            free = (end - middle) / (ulong)blocks.Length;
        }

        private static void WriteHeap(string label, ulong* allocate, ulong* free)
        {
            Console.WriteLine($"{label}{Median(allocate, Trials)} free {Median(free, Trials)} per operation");
        }

        // The median of the per-trial ratios heap/bump, in hundredths, with their spread; a target line says met or missed.
        private static void WriteRatio(string label, ulong* heap, ulong* bump, bool target)
        {
            ulong* ratios = stackalloc ulong[Trials];
            for (int t = 0; t < Trials; t++)
                ratios[t] = heap[t] * 100 / (bump[t] == 0 ? 1 : bump[t]);
            ulong median = Median(ratios, Trials);
            string verdict = !target ? ""
                : median <= TargetHundredths ? $"; target <= {TargetHundredths / 100.0:F2}x: met"
                : $"; target <= {TargetHundredths / 100.0:F2}x: missed by {(double)median / TargetHundredths:F2}x";
            Console.WriteLine($"{label}{median / 100.0:F2}x (trials {Min(ratios, Trials) / 100.0:F2}-{Max(ratios, Trials) / 100.0:F2}x){verdict}");
        }

        // The middle value of a handful (an insertion sort of a copy: the trials stay paired by index).
        public static ulong Median(ulong* values, int count)
        {
            ulong* sorted = stackalloc ulong[count];
            for (int i = 0; i < count; i++)
            {
                int j = i;
                for (; j > 0 && sorted[j - 1] > values[i]; j--)
                    sorted[j] = sorted[j - 1];
                sorted[j] = values[i];
            }
            return sorted[count / 2];
        }

        private static ulong Min(ulong* values, int count)
        {
            ulong min = values[0];
            for (int i = 1; i < count; i++)
                if (values[i] < min)
                    min = values[i];
            return min;
        }

        private static ulong Max(ulong* values, int count)
        {
            ulong max = values[0];
            for (int i = 1; i < count; i++)
                if (values[i] > max)
                    max = values[i];
            return max;
        }
    }
}
