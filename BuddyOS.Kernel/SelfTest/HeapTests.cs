// Tests of the kernel heap as the runtime uses it: `new`, churn left to the collector, raw blocks, explicit frees.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BuddyOS.Heap;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class HeapTests
    {
        private sealed class Small
        {
            public int Value;
        }

        // `new` is served by the kernel heap: a boxed 5 and a List<int>'s buffer both come from
        // [HEAP_BOTTOM, HEAP_TOP). (The seed called this test heap_test and printed "heap_test passed!".)
        public static void NewUsesKernelHeap(TestContext t)
        {
            object five = 5;
            t.InKernelHeap(Allocation.AddressOf(five), "boxed 5");
            t.Equal(5, (ulong)(int)five, "boxed 5 reads back");

            List<int> list = new List<int>();
            for (int i = 0; i < 500; i++)
                list.Add(i);
            t.Equal(500, (ulong)list.Count, "list count");
            for (int i = 0; i < 500; i++)
                if (!t.Equal((ulong)i, (ulong)list[i], "list element"))
                    break;
            t.InKernelHeap(Unsafe.AsPointer(ref MemoryMarshal.GetReference(CollectionsMarshal.AsSpan(list))), "list buffer");
            t.InKernelHeap(Allocation.AddressOf(list), "list object");
        }

        // Far more short-lived objects than the heap holds (a heap that never frees runs out after
        // 4 MiB / 32 B = 131,072), none freed by hand: the collector gives them back, and once it has, the heap
        // holds what it held before and every object allocated has been freed. A quarter more rounds than the
        // heap has 16-byte blocks by default, as many as the heap has bytes with selftest=full.
        public static void ManyShortLived(TestContext t)
        {
            GarbageCollection.Collector.CollectHere();
            HeapStatistics before = KernelHeap.Statistics;
            int heapBytes = (int)(KernelHeap.Top - KernelHeap.Bottom);
            int minBlocks = heapBytes / 16;
            int rounds = TestContext.Size(minBlocks + minBlocks / 4, heapBytes);
            AllocateShortLived(t, rounds);
            GarbageCollection.Collector.CollectHere();
            HeapStatistics after = KernelHeap.Statistics;
            t.HeldAtMost((ulong)before.HeldBytes, "held bytes after all rounds and a collection");
            t.Equal(before.Allocations + (ulong)rounds, after.Allocations, "allocation count");
            t.Check(after.Frees >= before.Frees + (ulong)rounds, $"free count (all by the collector): {after.Frees - before.Frees} for {rounds} rounds");
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void AllocateShortLived(TestContext t, int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                Small s = new Small();
                s.Value = i;
                if (s.Value != i && !t.Equal((ulong)i, (ulong)s.Value, "short-lived object value"))
                    break;
            }
        }

        // Churn around one long-lived allocation never touches it; the churn is left to the collector.
        public static void LongLived(TestContext t)
        {
            GarbageCollection.Collector.CollectHere();
            nuint heldBefore = KernelHeap.Statistics.HeldBytes;
            ChurnAroundKeeper(t);
            GarbageCollection.Collector.CollectHere();
            t.HeldAtMost((ulong)heldBefore, "held bytes afterwards");
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void ChurnAroundKeeper(TestContext t)
        {
            int[] keeper = new int[1000];
            for (int i = 0; i < keeper.Length; i++)
                keeper[i] = i * 7 + 3;
            void* keeperAddress = Allocation.AddressOf(keeper);

            List<object> batch = new List<object>(64);
            int rounds = TestContext.Size(500, 2000);   // 2000 x 64 arrays is the seed's size
            for (int round = 0; round < rounds; round++)
            {
                for (int j = 0; j < 64; j++)
                    batch.Add(new int[(round * 31 + j * 17) % 300 + 1]);
                if (round % 250 == 0)
                    GarbageCollection.Collector.CollectHere();   // with the batch live: none of it, and not the keeper, may go
                for (int j = 0; j < 64; j++)
                    if (!t.Equal((ulong)((round * 31 + j * 17) % 300 + 1), (ulong)((int[])batch[j]).Length, "live batch array"))
                        return;
                batch.Clear();
            }
            t.Check(Allocation.AddressOf(keeper) == keeperAddress, "long-lived array moved");
            for (int i = 0; i < keeper.Length; i++)
                if (!t.Equal((ulong)(i * 7 + 3), (ulong)keeper[i], "long-lived element"))
                    break;
        }

        // Every power-of-two alignment from 16 B to 1 MiB comes back aligned.
        public static void Alignment(TestContext t)
        {
            for (nuint alignment = 16; alignment <= 1024 * 1024; alignment <<= 1)
            {
                HeapStatus status = KernelHeap.TryAllocateRaw(24, alignment, out byte* block);
                if (!t.Status(HeapStatus.Ok, status, string.Concat("allocate 24 B aligned ", ((ulong)alignment).ToString())))
                    break;
                t.Equal(0, (ulong)block & (alignment - 1), string.Concat("low address bits for alignment ", ((ulong)alignment).ToString()));
                t.InKernelHeap(block, "aligned block");
                KernelHeap.TryFreeRaw(block);
            }
        }

        // Double free and a pointer outside the heap are refused, and change nothing.
        public static void BadFree(TestContext t)
        {
            object victim = new Small();
            KernelHeap.Free(victim);
            HeapStatistics before = KernelHeap.Statistics;
            t.Status(HeapStatus.DoubleFree, KernelHeap.TryFree(victim), "second free of the same object");
            int onStack = 0;
            t.Status(HeapStatus.ForeignPointer, KernelHeap.TryFreeRaw((byte*)&onStack), "free of a stack address");
            HeapStatistics after = KernelHeap.Statistics;
            t.Equal((ulong)before.HeldBytes, (ulong)after.HeldBytes, "held bytes unchanged");
            t.Equal(before.Frees, after.Frees, "free count unchanged");
            t.Equal((ulong)before.FreeBytes, (ulong)after.FreeBytes, "free bytes unchanged");
        }
    }
}
