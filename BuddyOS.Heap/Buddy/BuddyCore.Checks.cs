#if BUDDYOS_HEAP_DEBUG
using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

// The buddy core's debug checks (HeapChecks), compiled only with BUDDYOS_HEAP_DEBUG, run only when the owning heap
// asked for them. Poison invariant: every free byte is PoisonByte except the 16 link bytes at the start of each free
// block (and whatever a layer above keeps in free memory on purpose: the placement's stretch tags).
internal static unsafe partial class BuddyCore
{
    /// <summary>The link bytes (a FreeNode) at the start of a free block, which poison does not cover.</summary>
    public const int LinkBytes = 16;

    public static bool Poisoning(BuddyCoreState* c) => (c->Checks & (byte)HeapChecks.Poison) != 0;

    public static bool CheckingInvariants(BuddyCoreState* c) => (c->Checks & (byte)HeapChecks.Invariants) != 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Poison(byte* p, nuint count)
    {
        ulong word = 0x0101010101010101UL * HeapConstants.PoisonByte;
        for (nuint i = 0; i + 8 <= count; i += 8) *(ulong*)(p + i) = word;
    }

    public static bool PoisonIntact(byte* p, nuint count)
    {
        ulong word = 0x0101010101010101UL * HeapConstants.PoisonByte;
        for (nuint i = 0; i + 8 <= count; i += 8)
            if (*(ulong*)(p + i) != word) return false;
        return true;
    }

    /// <summary>Poison turned on: every free block gets it, but its links.</summary>
    public static void PoisonFreeBlocks(BuddyCoreState* c)
    {
        for (int k = 0; k <= c->Top; k++)
        {
            FreeNode* sentinel = &c->Lists[k];
            for (FreeNode* n = sentinel->Next; n != sentinel; n = n->Next)
                Poison((byte*)n + LinkBytes, BlockSize(c, k) - LinkBytes);
        }
    }

    /// <summary>Before a block is taken from list <paramref name="order"/>: its head is well linked, checked before
    /// anything is written through its links.</summary>
    public static HeapStatus CheckListHead(BuddyCoreState* c, int order)
    {
        if (!CheckingInvariants(c)) return HeapStatus.Ok;
        FreeNode* head = c->Lists[order].Next;
        return InPlace(c, head) && Linked(c, head) ? HeapStatus.Ok : HeapStatus.HeapCorrupted;
    }

    /// <summary>Before a free: every free buddy the leaf (order, offset) will merge with (and unlink) is well linked.</summary>
    public static HeapStatus CheckMergeLinks(BuddyCoreState* c, int order, nuint offset)
    {
        if (!CheckingInvariants(c)) return HeapStatus.Ok;
        nuint node = NodeOf(c, order, offset);
        for (int k = order; k < c->Top && Test(c->Free, node ^ 1); k++, node >>= 1)
        {
            nuint half = BlockSize(c, k);
            if (!Linked(c, (FreeNode*)(c->Base + (offset ^ half)))) return HeapStatus.HeapCorrupted;
            offset &= ~half;
        }
        return HeapStatus.Ok;
    }

    /// <summary>Before the free block at <paramref name="offset"/> is unlinked by a layer: it is well linked.</summary>
    public static HeapStatus CheckLinked(BuddyCoreState* c, nuint offset)
        => !CheckingInvariants(c) || Linked(c, (FreeNode*)(c->Base + offset)) ? HeapStatus.Ok : HeapStatus.HeapCorrupted;

    // A free block's neighbours are in place (a sentinel, or a block start in the region) and link back to it.
    private static bool Linked(BuddyCoreState* c, FreeNode* block)
        => InPlace(c, block->Next) && InPlace(c, block->Prev) && block->Next->Prev == block && block->Prev->Next == block;

    private static bool InPlace(BuddyCoreState* c, FreeNode* link)
    {
        if (link >= c->Lists && link <= &c->Lists[c->Top]) return true;   // a sentinel
        nuint offset = (nuint)((byte*)link - c->Base);
        return (byte*)link >= c->Base && offset < c->Size && (offset & (BlockSize(c, 0) - 1)) == 0;
    }

    /// <summary>After a block was taken whole: it still holds the poison (else something wrote to it while it was
    /// free), it is allocated under split ancestors, and the counters agree. UseAfterFree or HeapCorrupted.</summary>
    public static HeapStatus CheckTaken(BuddyCoreState* c, int order, nuint offset)
    {
        if (Poisoning(c) && !PoisonIntact(c->Base + offset + LinkBytes, BlockSize(c, order) - LinkBytes))
            return HeapStatus.UseAfterFree;
        if (!CheckingInvariants(c)) return HeapStatus.Ok;
        nuint node = NodeOf(c, order, offset);
        if (Test(c->Free, node) || (order > 0 && Test(c->Split, node))) return HeapStatus.HeapCorrupted;
        for (nuint up = node >> 1; up != 0; up >>= 1)
            if (!Test(c->Split, up) || Test(c->Free, up)) return HeapStatus.HeapCorrupted;
        return CheckCounts(c);
    }

    /// <summary>Before live memory goes back: poison it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PoisonReleased(BuddyCoreState* c, nuint offset, nuint bytes)
    {
        if (Poisoning(c)) Poison(c->Base + offset, bytes);
    }

    /// <summary>ReleaseBlock, then poison the link bytes of every buddy it merged: they are free bytes inside the merged
    /// block now. (Kept out of ReleaseBlock itself, whose merge loop is the heap's hottest code.)</summary>
    public static int ReleasePoisoned(BuddyCoreState* c, int order, nuint offset)
    {
        int merged = ReleaseBlock(c, order, offset);
        if (!Poisoning(c)) return merged;
        nuint start = offset & ~(BlockSize(c, merged) - 1);   // where the merged block's links are
        for (int k = order; k < merged; k++)
        {
            nuint half = BlockSize(c, k);
            nuint buddy = (offset & ~(half - 1)) ^ half;
            if (buddy != start) Poison(c->Base + buddy, LinkBytes);
        }
        return merged;
    }

    /// <summary>After a free: the block the merges ended in is free, not split, linked both ways, and has no free
    /// unsplit buddy left to merge with.</summary>
    public static HeapStatus CheckReleased(BuddyCoreState* c, int order, nuint offset)
    {
        if (!CheckingInvariants(c)) return HeapStatus.Ok;
        int k = order;
        nuint node = NodeOf(c, k, offset);
        while (!Test(c->Free, node))
        {
            if (k == c->Top) return HeapStatus.HeapCorrupted;   // the freed block is nowhere free
            k++;
            node >>= 1;
        }
        var block = (FreeNode*)(c->Base + BuddyTree.OffsetOf(c->Top, c->MinShift, k, node));
        if ((k > 0 && Test(c->Split, node)) || !Linked(c, block))
            return HeapStatus.HeapCorrupted;
        if (k < c->Top && Test(c->Free, node ^ 1) && (k == 0 || !Test(c->Split, node ^ 1)))
            return HeapStatus.HeapCorrupted;                   // a merge was missed
        return CheckCounts(c);
    }

    /// <summary>Each order's counter agrees with the non-empty mask.</summary>
    public static HeapStatus CheckCounts(BuddyCoreState* c)
    {
        for (int k = 0; k <= c->Top; k++)
            if ((c->FreeCounts[k] != 0) != (((c->NonEmpty >> k) & 1) != 0)) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }

    /// <summary>A checked ReleaseBlock: the links the merges will follow first, poison after, the result last.</summary>
    public static HeapStatus ReleaseChecked(BuddyCoreState* c, int order, nuint offset)
    {
        HeapStatus status = CheckMergeLinks(c, order, offset);
        if (status != HeapStatus.Ok) return status;
        PoisonReleased(c, offset, BlockSize(c, order));
        ReleasePoisoned(c, order, offset);
        return CheckReleased(c, order, offset);
    }
}
#endif
