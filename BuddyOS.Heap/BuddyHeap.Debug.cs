using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

// The debug checks (HeapChecks): compiled only with BUDDYOS_HEAP_DEBUG, run only on a heap that asked for them.
// Poison invariant: every free byte is PoisonByte except the 16 link bytes at the start of each free block.
public unsafe partial struct BuddyHeap
{
    /// <summary>The byte every free byte holds while <see cref="HeapChecks.Poison"/> is on.</summary>
    public const byte PoisonByte = 0xDB;

    /// <summary>The link bytes (a <c>FreeNode</c>) at the start of a free block, which poison does not cover.</summary>
    private const int LinkBytes = 16;

    /// <summary>
    /// Turns debug checks on or off. Turning poison on fills every free block now (O(free bytes)). Returns
    /// Unsupported in a build without BUDDYOS_HEAP_DEBUG.
    /// </summary>
    public HeapStatus SetChecks(HeapChecks checks)
    {
#if BUDDYOS_HEAP_DEBUG
        BuddyState* s = _s;
        if ((checks & HeapChecks.Poison) != 0 && (s->Checks & (byte)HeapChecks.Poison) == 0)
        {
            for (int k = 0; k <= s->Top; k++)
            {
                FreeNode* sentinel = &s->Lists[k];
                for (FreeNode* n = sentinel->Next; n != sentinel; n = n->Next)
                    Poison((byte*)n + LinkBytes, BuddyTree.BlockSize(s->MinShift, k) - LinkBytes);
            }
            PoisonFreeSlots(s);
        }
        s->Checks = (byte)checks;
        return HeapStatus.Ok;
#else
        return checks == HeapChecks.None ? HeapStatus.Ok : HeapStatus.Unsupported;
#endif
    }

    /// <summary>The checks this heap runs.</summary>
#if BUDDYOS_HEAP_DEBUG
    // Poison turned on in a heap with slabs: every free slot of every slab (spares too) gets it, whole.
    private static void PoisonFreeSlots(BuddyState* s)
    {
        if (s->Slabs == null) return;
        for (nuint page = 0; page < s->Size >> SlabShift; page++)
        {
            SlabPage* p = &s->Slabs[page];
            if (p->Class == 0) continue;
            SlabClass* c = &s->Classes[p->Class - 1];
            for (uint slot = 0; slot < c->Capacity; slot++)
                if (((&p->Used0)[slot >> 6] & (1UL << (int)(slot & 63))) == 0)
                    Poison(s->Base + (page << SlabShift) + slot * c->Size, c->Size);
        }
    }
#endif

    /// <summary>The debug checks now on (none in a build without BUDDYOS_HEAP_DEBUG).</summary>
    public readonly HeapChecks Checks => (HeapChecks)_s->Checks;

#if BUDDYOS_HEAP_DEBUG
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Poison(byte* p, nuint count)
    {
        ulong word = 0x0101010101010101UL * PoisonByte;
        for (nuint i = 0; i + 8 <= count; i += 8) *(ulong*)(p + i) = word;
    }

    private static bool PoisonIntact(byte* p, nuint count)
    {
        ulong word = 0x0101010101010101UL * PoisonByte;
        for (nuint i = 0; i + 8 <= count; i += 8)
            if (*(ulong*)(p + i) != word) return false;
        return true;
    }

    // Before a block is taken from list `order`: the head is well linked, checked before anything is written
    // through its links.
    private static HeapStatus CheckListHead(BuddyState* s, int order)
    {
        if ((s->Checks & (byte)HeapChecks.Invariants) == 0) return HeapStatus.Ok;
        FreeNode* head = s->Lists[order].Next;
        return InPlace(s, head) && Linked(s, head) ? HeapStatus.Ok : HeapStatus.HeapCorrupted;
    }

    // Before a free: every free buddy it will merge with (and unlink) is well linked.
    private static HeapStatus CheckMergeLinks(BuddyState* s, int order, nuint offset)
    {
        if ((s->Checks & (byte)HeapChecks.Invariants) == 0) return HeapStatus.Ok;
        int top = s->Top, minShift = s->MinShift;
        nuint node = BuddyTree.NodeOf(top, minShift, order, offset);
        for (int k = order; k < top && Test(s->Free, node ^ 1); k++, node >>= 1)
        {
            nuint half = BuddyTree.BlockSize(minShift, k);
            if (!Linked(s, (FreeNode*)(s->Base + (offset ^ half)))) return HeapStatus.HeapCorrupted;
            offset &= ~half;
        }
        return HeapStatus.Ok;
    }

    // A free block's neighbours are in place (a sentinel, or a block start in the region) and link back to it.
    private static bool Linked(BuddyState* s, FreeNode* block)
        => InPlace(s, block->Next) && InPlace(s, block->Prev) && block->Next->Prev == block && block->Prev->Next == block;

    private static bool InPlace(BuddyState* s, FreeNode* link)
    {
        if (link >= s->Lists && link <= &s->Lists[s->Top]) return true;   // a sentinel
        nuint offset = (nuint)((byte*)link - s->Base);
        return (byte*)link >= s->Base && offset < s->Size && (offset & (BuddyTree.BlockSize(s->MinShift, 0) - 1)) == 0;
    }

    // After a block was taken for an allocation: it is allocated under split ancestors, its memory still
    // holds the poison (else something wrote to it while it was free), and the counters agree.
    private static HeapStatus CheckTaken(BuddyState* s, int order, nuint offset)
    {
        int top = s->Top, minShift = s->MinShift;
        if ((s->Checks & (byte)HeapChecks.Poison) != 0
            && !PoisonIntact(s->Base + offset + LinkBytes, BuddyTree.BlockSize(minShift, order) - LinkBytes))
            return HeapStatus.UseAfterFree;
        if ((s->Checks & (byte)HeapChecks.Invariants) == 0) return HeapStatus.Ok;
        nuint node = BuddyTree.NodeOf(top, minShift, order, offset);
        if (Test(s->Free, node) || (order > 0 && Test(s->Split, node))) return HeapStatus.HeapCorrupted;
        for (nuint up = node >> 1; up != 0; up >>= 1)
            if (!Test(s->Split, up) || Test(s->Free, up)) return HeapStatus.HeapCorrupted;
        return CheckCounts(s);
    }

    // Before a block of live memory goes back (free, a moving reallocation): poison it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PoisonReleased(BuddyState* s, nuint offset, nuint bytes)
    {
        if ((s->Checks & (byte)HeapChecks.Poison) != 0) Poison(s->Base + offset, bytes);
    }

    // Release, then poison the link bytes of every buddy it merged: they are free bytes inside the merged
    // block now. (Kept out of Release itself, whose merge loop is the heap's hottest code.)
    private static void ReleasePoisoned(BuddyState* s, int order, nuint offset)
    {
        int top = s->Top, minShift = s->MinShift;
        int merged = order;
        for (nuint node = BuddyTree.NodeOf(top, minShift, order, offset); merged < top && Test(s->Free, node ^ 1); node >>= 1)
            merged++;
        Release(s, order, offset);
        if ((s->Checks & (byte)HeapChecks.Poison) == 0) return;
        nuint start = offset & ~(BuddyTree.BlockSize(minShift, merged) - 1);   // where the merged block's links are
        for (int k = order; k < merged; k++)
        {
            nuint half = BuddyTree.BlockSize(minShift, k);
            nuint buddy = (offset & ~(half - 1)) ^ half;
            if (buddy != start) Poison(s->Base + buddy, LinkBytes);
        }
    }

    // After a free: the block the merges ended in is free, not split, linked both ways, and has no free
    // unsplit buddy left to merge with.
    private static HeapStatus CheckReleased(BuddyState* s, int order, nuint offset)
    {
        if ((s->Checks & (byte)HeapChecks.Invariants) == 0) return HeapStatus.Ok;
        int top = s->Top, minShift = s->MinShift;
        int k = order;
        nuint node = BuddyTree.NodeOf(top, minShift, k, offset);
        while (!Test(s->Free, node))
        {
            if (k == top) return HeapStatus.HeapCorrupted;   // the freed block is nowhere free
            k++;
            node >>= 1;
        }
        var block = (FreeNode*)(s->Base + BuddyTree.OffsetOf(top, minShift, k, node));
        if ((k > 0 && Test(s->Split, node)) || !Linked(s, block))
            return HeapStatus.HeapCorrupted;
        if (k < top && Test(s->Free, node ^ 1) && (k == 0 || !Test(s->Split, node ^ 1)))
            return HeapStatus.HeapCorrupted;                   // a merge was missed
        return CheckCounts(s);
    }

    private static HeapStatus CheckCounts(BuddyState* s)
    {
        for (int k = 0; k <= s->Top; k++)
            if ((s->FreeCounts[k] != 0) != (((s->NonEmpty >> k) & 1) != 0)) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }
#endif
}
