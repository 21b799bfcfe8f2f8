// Buddy-heap behaviour that needs a heap of its own (the scratch region), inside the kernel.
using BuddyOS.Heap;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class ScratchHeapTests
    {
        // Growing a block whose buddy is free keeps its address; shrinking never moves; growing when
        // the buddy is taken moves and keeps the contents.
        public static void Reallocate(TestContext t)
        {
            if (!t.Check(ScratchHeap.Available, "a free 4 MiB of RAM in the boot memory map"))
                return;
            PureBuddyHeap heap = ScratchHeap.CreateFresh();
            heap.TryAllocate(64, 16, out byte* a);
            t.Check(a == ScratchHeap.Region, "first block at the region start");
            for (int i = 0; i < 64; i++)
                a[i] = (byte)i;
            t.Status(HeapStatus.Ok, heap.TryReallocate(a, 128, out byte* grown), "grow 64 -> 128");
            t.Check(grown == a, "grow with a free buddy moved the block");
            t.Status(HeapStatus.Ok, heap.TryReallocate(grown, 20, out byte* shrunk), "shrink 128 -> 20");
            t.Check(shrunk == a, "shrink moved the block");

            heap.TryAllocate(16, 16, out byte* neighbour);   // takes the buddy of `shrunk`'s 32-byte block
            t.Status(HeapStatus.Ok, heap.TryReallocate(shrunk, 4096, out byte* moved), "grow 20 -> 4096 with the buddy taken");
            t.Check(moved != shrunk, "grow with a taken buddy stayed in place");
            for (int i = 0; i < 20; i++)
                if (!t.Equal((ulong)i, moved[i], "contents after a moving grow"))
                    break;
            heap.Free(moved);
            heap.Free(neighbour);
            t.Equal(4 * 1024 * 1024, (ulong)heap.GetStatistics().LargestFreeBlock, "whole region free at the end");
        }

        // The heap's debug checks catch a write to freed memory at the next allocation of that block, and
        // without them the same write goes unseen. (A build with -p:HeapDebug=false has no checks to show.)
        public static void UseAfterFreeCaught(TestContext t)
        {
            if (!t.Check(ScratchHeap.Available, "a free 4 MiB of RAM in the boot memory map"))
                return;
            PureBuddyHeap heap = ScratchHeap.CreateFresh();
            if (!t.Status(HeapStatus.Ok, heap.SetChecks(HeapChecks.All), "turn on the heap's debug checks"))
                return;
            t.Status(HeapStatus.Ok, heap.TryAllocate(64, 16, out byte* block), "allocate 64 B");
            t.Status(HeapStatus.Ok, heap.Free(block), "free it");
            t.Equal(BuddyHeap.PoisonByte, block[40], "a freed byte holds the poison");
            block[40] = 7;                                            // the use after free
            t.Status(HeapStatus.UseAfterFree, heap.TryAllocate(64, 16, out byte* again), "allocation after the write");
            t.Check(again == null, "no block handed out");
            block[40] = BuddyHeap.PoisonByte;                         // undo it: the same allocation succeeds
            t.Status(HeapStatus.Ok, heap.TryAllocate(64, 16, out again), "allocation once the poison is back");
            t.Check(again == block, "the repaired block is the one handed out");

            heap = ScratchHeap.CreateFresh();                         // no checks: the same write is not seen
            heap.TryAllocate(64, 16, out block);
            heap.Free(block);
            block[40] = 7;
            t.Status(HeapStatus.Ok, heap.TryAllocate(64, 16, out again), "allocation after the write, without checks");
        }

        // Allocate until OutOfMemory, free everything: the heap is one free 4 MiB block again.
        public static void Exhaustion(TestContext t)
        {
            if (!t.Check(ScratchHeap.Available, "a free 4 MiB of RAM in the boot memory map"))
                return;
            PureBuddyHeap heap = ScratchHeap.CreateFresh();
            const int MaxBlocks = 8192;
            nint[] blocks = new nint[MaxBlocks];
            int count = 0;
            HeapStatus status = HeapStatus.Ok;
            while (count < MaxBlocks)
            {
                nuint size = (nuint)((count * 7919) % 2000 + 1);   // 1..2000 bytes, spread over orders
                status = heap.TryAllocate(size, 16, out byte* block);
                if (status != HeapStatus.Ok)
                    break;
                blocks[count++] = (nint)block;
            }
            t.Status(HeapStatus.OutOfMemory, status, "allocation loop ended with");
            t.Check(count > 1000, "fewer than 1000 blocks fit in 4 MiB");
            t.Check(heap.GetStatistics().LargestFreeBlock < 2048, "largest free block while exhausted");
            for (int i = count - 1; i >= 0; i -= 2)
                t.Status(HeapStatus.Ok, heap.Free((byte*)blocks[i]), "free (odd pass)");
            for (int i = count - 2; i >= 0; i -= 2)
                t.Status(HeapStatus.Ok, heap.Free((byte*)blocks[i]), "free (even pass)");
            HeapStatistics s = heap.GetStatistics();
            t.Equal(4 * 1024 * 1024, (ulong)s.FreeBytes, "free bytes after freeing everything");
            t.Equal(4 * 1024 * 1024, (ulong)s.LargestFreeBlock, "largest free block");
            t.Equal(1, (ulong)heap.FreeBlockCount(heap.Orders - 1), "free blocks of the top order");
            t.Check(heap.Validate().Kind == ViolationKind.None, "heap invariants (Validate)");
        }
    }
}
