// Tests of the kernel heap as the runtime uses it: `new`, List<T> growth, explicit frees.
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using BuddyOS.Heap;
using Internal.Runtime;

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
            t.InKernelHeap(Allocator.AddressOf(five), "boxed 5");
            t.Equal(5, (ulong)(int)five, "boxed 5 reads back");

            List<int> list = new List<int>();
            for (int i = 0; i < 500; i++)
                list.Add(i);
            t.Equal(500, (ulong)list.Count, "list count");
            for (int i = 0; i < 500; i++)
                if (!t.Equal((ulong)i, (ulong)list[i], "list element"))
                    break;
            t.InKernelHeap(Allocator.AddressOf(list.Buffer), "list buffer");
            t.InKernelHeap(Allocator.AddressOf(list), "list object");

            if (KernelHeap.SupportsFree)
            {
                list.Dispose();
                KernelHeap.Free(list);
                KernelHeap.Free(five);
            }
        }

        // Growing to 500 then 100,000 elements hands every outgrown buffer back, so once the list is
        // gone the heap holds exactly what it held before.
        public static void ListGrowth(TestContext t)
        {
            nuint heldBefore = KernelHeap.Statistics.HeldBytes;
            List<int> list = new List<int>();
            for (int i = 0; i < 500; i++)
                list.Add(i);
            t.Equal((ulong)heldBefore + HeldBy(list) + HeldBy(list.Buffer), (ulong)KernelHeap.Statistics.HeldBytes,
                "held bytes at 500 elements = before + list + current buffer only");
            for (int i = 500; i < 100000; i++)
                list.Add(i);
            t.Equal(100000, (ulong)list.Count, "count after growth");
            t.Equal(131072, (ulong)list.Capacity, "capacity after doubling from 4");
            for (int i = 0; i < 100000; i += 997)
                if (!t.Equal((ulong)i, (ulong)list[i], "element after growth"))
                    break;
            t.Equal(99999, (ulong)list[99999], "last element");
            t.Equal((ulong)heldBefore + HeldBy(list) + HeldBy(list.Buffer), (ulong)KernelHeap.Statistics.HeldBytes,
                "held bytes at 100,000 elements = before + list + current buffer only");
            list.Dispose();
            KernelHeap.Free(list);
            t.Equal((ulong)heldBefore, (ulong)KernelHeap.Statistics.HeldBytes, "held bytes after freeing the list");
        }

        private static ulong HeldBy(object obj)
        {
            KernelHeap.Heap.TryGetUsableSize((byte*)Allocator.AddressOf(obj), out nuint size);
            return size;
        }

        // More allocate+free rounds than the heap has 16-byte blocks (4 MiB / 16 B = 262,144), so a heap
        // without free would run out: a quarter more by default, as many as the heap has bytes with selftest=full.
        public static void ManyShortLived(TestContext t)
        {
            HeapStatistics before = KernelHeap.Statistics;
            int heapBytes = (int)(KernelHeap.Top - KernelHeap.Bottom);
            int minBlocks = heapBytes / 16;
            int rounds = TestContext.Size(minBlocks + minBlocks / 4, heapBytes);
            for (int i = 0; i < rounds; i++)
            {
                Small s = new Small();
                s.Value = i;
                if (s.Value != i && !t.Equal((ulong)i, (ulong)s.Value, "short-lived object value"))
                    break;
                KernelHeap.Free(s);
            }
            HeapStatistics after = KernelHeap.Statistics;
            t.Equal((ulong)before.HeldBytes, (ulong)after.HeldBytes, "held bytes after all rounds");
            t.Equal(before.Allocations + (ulong)rounds, after.Allocations, "allocation count");
            t.Equal(before.Frees + (ulong)rounds, after.Frees, "free count");
        }

        // Churn around one long-lived allocation never touches it.
        public static void LongLived(TestContext t)
        {
            nuint heldBefore = KernelHeap.Statistics.HeldBytes;
            int[] keeper = new int[1000];
            for (int i = 0; i < keeper.Length; i++)
                keeper[i] = i * 7 + 3;
            void* keeperAddress = Allocator.AddressOf(keeper);

            List<object> batch = new List<object>(64);
            for (int round = 0; round < 2000; round++)
            {
                for (int j = 0; j < 64; j++)
                    batch.Add(new int[(round * 31 + j * 17) % 300 + 1]);
                for (int j = 0; j < 64; j++)
                    KernelHeap.Free(batch[j]);
                batch.Clear();
            }
            t.Check(Allocator.AddressOf(keeper) == keeperAddress, "long-lived array moved");
            for (int i = 0; i < keeper.Length; i++)
                if (!t.Equal((ulong)(i * 7 + 3), (ulong)keeper[i], "long-lived element"))
                    break;
            batch.Dispose();
            KernelHeap.Free(batch);
            KernelHeap.Free(keeper);
            t.Equal((ulong)heldBefore, (ulong)KernelHeap.Statistics.HeldBytes, "held bytes afterwards");
        }

        // Every power-of-two alignment from 16 B to 1 MiB comes back aligned.
        public static void Alignment(TestContext t)
        {
            for (nuint alignment = 16; alignment <= 1024 * 1024; alignment <<= 1)
            {
                HeapStatus status = KernelHeap.Heap.TryAllocate(24, alignment, out byte* block);
                if (!t.Status(HeapStatus.Ok, status, string.Concat("allocate 24 B aligned ", ((ulong)alignment).ToString())))
                    break;
                t.Equal(0, (ulong)block & (alignment - 1), string.Concat("low address bits for alignment ", ((ulong)alignment).ToString()));
                t.InKernelHeap(block, "aligned block");
                KernelHeap.Heap.Free(block);
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
            t.Status(HeapStatus.ForeignPointer, KernelHeap.Heap.Free((byte*)&onStack), "free of a stack address");
            HeapStatistics after = KernelHeap.Statistics;
            t.Equal((ulong)before.HeldBytes, (ulong)after.HeldBytes, "held bytes unchanged");
            t.Equal(before.Frees, after.Frees, "free count unchanged");
            t.Equal((ulong)before.FreeBytes, (ulong)after.FreeBytes, "free bytes unchanged");
        }
    }
}
