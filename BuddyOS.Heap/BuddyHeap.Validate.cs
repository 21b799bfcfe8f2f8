namespace BuddyOS.Heap;

public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Checks every invariant and reports the first one broken: each free list is a well-linked ring of
    /// in-region, block-aligned nodes whose free bits are set, as long as its counter says; walking the tree,
    /// no split node is marked free, no two free buddies coexist, the free blocks per order match the counters,
    /// no bit is set below a leaf (so no blocks overlap), each live block's slack is below its size (or, for a
    /// trimmed run's head, its tail pieces follow it as its request's decomposition says), the held
    /// and requested bytes match the counters, and free + held + cached = total. With the object cache, each slab
    /// too (see ValidateSlab) and each class's list, spare and counters. O(region size / minimum block).
    /// Never writes anything.
    /// </summary>
    public readonly HeapViolation Validate()
    {
        BuddyState* s = _s;
        HeapViolation v = ValidateLists();
        if (!v.IsClean) return v;

        nuint* freeFound = stackalloc nuint[MaxOrders];
        for (int k = 0; k <= s->Top; k++) freeFound[k] = 0;
        nuint* stack = stackalloc nuint[MaxOrders + 2];
        int depth = 0;
        stack[depth++] = 1;
        nuint splitNodes = 0, freeNodes = 0, held = 0, requested = 0, slabBytes = 0, slabsFound = 0;
        nuint runAt = 0, runEnd = 0;   // the open trimmed run: where its next tail piece must start, and its end
        nuint* partialFound = stackalloc nuint[SlabClasses];
        nuint* slabsOfClass = stackalloc nuint[SlabClasses];
        nuint* liveOfClass = stackalloc nuint[SlabClasses];
        for (int i = 0; i < SlabClasses; i++) partialFound[i] = slabsOfClass[i] = liveOfClass[i] = 0;
        while (depth > 0)
        {
            nuint node = stack[--depth];
            int order = BuddyTree.OrderOfNode(s->Top, node);
            nuint offset = BuddyTree.OffsetOf(s->Top, s->MinShift, order, node);
            bool isFree = Test(s->Free, node);
            if (order > 0 && Test(s->Split, node))
            {
                if (isFree) return HeapViolation.At(ViolationKind.SplitNodeMarkedFree, offset, order);
                splitNodes++;
                stack[depth++] = (node << 1) | 1;   // the lower child is visited first: leaves come in address order
                stack[depth++] = node << 1;
                continue;
            }

            nuint slackHere = !isFree && s->ExactRequested && (order != SlabShift - s->MinShift || SlabAt(s, offset) == NoSlab)
                ? ReadSlack(order, offset) : 0;
            if (s->Trims && !isFree && order >= GranuleOrder && slackHere == TailMark)
            {
                // A tail piece: the next piece of the open run, the size its decomposition says.
                if (offset != runAt || runAt >= runEnd || runEnd - runAt < BlockSize(order))
                    return HeapViolation.At(ViolationKind.TrimmedRunBroken, offset, order);
                held += BlockSize(order);
                runAt += BlockSize(order);
                continue;
            }
            if (runAt < runEnd) return HeapViolation.At(ViolationKind.TrimmedRunBroken, runAt, order);

            nuint size = BlockSize(order);
            if (isFree)
            {
                // A buddy that is free and not split is a free leaf: the two should have merged. (A split buddy
                // marked free is reported as SplitNodeMarkedFree when the walk reaches it.)
                if (order < s->Top && Test(s->Free, node ^ 1) && (order == 0 || !Test(s->Split, node ^ 1)))
                    return HeapViolation.At(ViolationKind.UnmergedBuddies, offset, order);
                freeNodes++;
                freeFound[order]++;
            }
            else if (order == SlabShift - s->MinShift && SlabAt(s, offset) != NoSlab)
            {
                uint page = SlabAt(s, offset);
                int index = s->Slabs[page].Class - 1;
                if (index >= SlabClasses) return HeapViolation.At(ViolationKind.SlabCountMismatch, offset, order);
                v = ValidateSlab(page, ref held, ref requested);
                if (!v.IsClean) return v;
                SlabPage* p = &s->Slabs[page];
                if (p->Live < s->Classes[index].Capacity) partialFound[index]++;   // partial, or the (listed) spare
                slabsOfClass[index]++;
                liveOfClass[index] += p->Live;
                slabBytes += size;
                slabsFound++;
            }
            else
            {
                nuint slack = slackHere, asked = size - slack;
                if (s->Trims && order >= GranuleOrder && asked > size)
                {
                    // A run's head: its tail pieces follow it up to its request rounded to the granule.
                    nuint kept = TrimmedBytes(asked);
                    if (asked > s->Size - offset || kept == size) return HeapViolation.At(ViolationKind.SlackOutOfRange, offset, order);
                    runAt = offset + size;
                    runEnd = offset + kept;
                    held += size;
                    requested += asked;
                    continue;
                }
                if (slack >= size) return HeapViolation.At(ViolationKind.SlackOutOfRange, offset, order);
                held += size;
                requested += asked;
            }
        }
        if (runAt < runEnd) return HeapViolation.At(ViolationKind.TrimmedRunBroken, runAt, -1);

        for (int k = 0; k <= s->Top; k++)
        {
            if (freeFound[k] != s->FreeCounts[k]) return HeapViolation.At(ViolationKind.FreeCountMismatch, 0, k);
        }
        nuint leaves = (nuint)1 << s->Top;
        if (PopCount(s->Split, leaves) != splitNodes || PopCount(s->Free, leaves << 1) != freeNodes)
            return HeapViolation.At(ViolationKind.StrayBits, 0, -1);
        if (held != s->Held) return HeapViolation.At(ViolationKind.HeldBytesMismatch, 0, -1);
        if (requested != s->Requested) return HeapViolation.At(ViolationKind.RequestedBytesMismatch, 0, -1);
        nuint freeBytes = 0;
        for (int k = 0; k <= s->Top; k++) freeBytes += freeFound[k] * BlockSize(k);
        if (s->Slabs != null)
        {
            v = ValidateSlabClasses(partialFound, slabsOfClass, liveOfClass, slabsFound);
            if (!v.IsClean) return v;
        }
        nuint objectBytes = 0;
        for (int i = 0; s->Slabs != null && i < SlabClasses; i++) objectBytes += liveOfClass[i] * s->Classes[i].Size;
        if (freeBytes + held + (slabBytes - objectBytes) != s->Size) return HeapViolation.At(ViolationKind.AccountingMismatch, 0, -1);
        if (s->PeakHeld < s->Held || s->PeakRequested < s->Requested || s->Frees > s->Allocations)
            return HeapViolation.At(ViolationKind.CounterMismatch, 0, -1);
        return default;
    }

    /// <summary>
    /// One slab: the bits past its capacity are set, its taken slots number its live count, an empty slab is its
    /// class's spare, and each live object's slack is below its size (its bytes are added to the totals).
    /// </summary>
    private readonly HeapViolation ValidateSlab(uint page, ref nuint held, ref nuint requested)
    {
        BuddyState* s = _s;
        SlabPage* p = &s->Slabs[page];
        SlabClass* c = &s->Classes[p->Class - 1];
        nuint slabStart = (nuint)page << SlabShift;
        int order = SlabShift - s->MinShift;
        ulong* used = &p->Used0;
        nuint taken = 0;
        for (int w = 0; w < 4; w++)
        {
            ulong past = PastCapacity(c->Capacity, w);
            if ((used[w] & past) != past) return HeapViolation.At(ViolationKind.SlabBitmapMismatch, slabStart, order);
            ulong slots = used[w] & ~past;
            taken += (nuint)Bits.PopCount(slots);
            for (; slots != 0; slots &= slots - 1)
            {
                nuint at = slabStart + (nuint)((w << 6) + Bits.TrailingZeros(slots)) * c->Size;
                nuint slack = s->ExactRequested ? ReadSlack(c->SlackOrder, at) : 0;
                if (slack >= c->Size) return HeapViolation.At(ViolationKind.SlackOutOfRange, at, -1);
                held += c->Size;
                requested += c->Size - slack;
            }
        }
        if (taken != p->Live || (p->Live == 0) != (c->Spare == page))
            return HeapViolation.At(ViolationKind.SlabBitmapMismatch, slabStart, order);
        return default;
    }

    /// <summary>Each class's list is well linked and holds exactly its partial slabs and its spare, an empty
    /// slab of the class, and its counters match the slabs found; no side-table entry lies outside a slab.</summary>
    private readonly HeapViolation ValidateSlabClasses(nuint* partialFound, nuint* slabsOfClass, nuint* liveOfClass, nuint slabsFound)
    {
        BuddyState* s = _s;
        nuint pages = s->Size >> SlabShift, marked = 0;
        for (nuint i = 0; i < pages; i++) marked += s->Slabs[i].Class != 0 ? 1u : 0u;
        if (marked != slabsFound) return HeapViolation.At(ViolationKind.SlabCountMismatch, 0, -1);
        for (int i = 0; i < SlabClasses; i++)
        {
            SlabClass* c = &s->Classes[i];
            if (c->Slabs != slabsOfClass[i] || c->Live != liveOfClass[i])
                return HeapViolation.At(ViolationKind.SlabCountMismatch, 0, i);
            if (c->Spare != NoSlab && (c->Spare >= pages || s->Slabs[c->Spare].Class != i + 1))
                return HeapViolation.At(ViolationKind.SlabListMismatch, 0, i);
            nuint length = 0;
            uint previous = NoSlab;
            for (uint page = c->Partial; page != NoSlab; page = s->Slabs[page].Next)
            {
                // Check the entry's place before reading through it: a corrupt link may point anywhere.
                if (page >= pages || ++length > partialFound[i]) return HeapViolation.At(ViolationKind.SlabListMismatch, (nuint)page << SlabShift, i);
                SlabPage* p = &s->Slabs[page];
                if (p->Class != i + 1 || p->Prev != previous || (p->Live == 0 && page != c->Spare) || p->Live >= c->Capacity)
                    return HeapViolation.At(ViolationKind.SlabListMismatch, (nuint)page << SlabShift, i);
                previous = page;
            }
            if (length != partialFound[i]) return HeapViolation.At(ViolationKind.SlabListMismatch, 0, i);
        }
        return default;
    }

    private readonly HeapViolation ValidateLists()
    {
        BuddyState* s = _s;
        for (int k = 0; k <= s->Top; k++)
        {
            FreeNode* sentinel = &s->Lists[k];
            FreeNode* previous = sentinel;
            nuint count = 0;
            nuint blockMask = BlockSize(k) - 1;
            for (FreeNode* node = sentinel->Next; node != sentinel; node = node->Next)
            {
                nuint offset = (nuint)((byte*)node - s->Base);
                // Check the node's place before reading through it: a corrupt link may point anywhere.
                if ((byte*)node < s->Base || offset >= s->Size || (offset & blockMask) != 0)
                    return HeapViolation.At(ViolationKind.ListNodeOutOfPlace, offset, k);
                if (node->Prev != previous) return HeapViolation.At(ViolationKind.ListLinkBroken, offset, k);
                if (!Test(s->Free, Node(k, offset))) return HeapViolation.At(ViolationKind.ListNodeNotMarkedFree, offset, k);
                if (++count > s->FreeCounts[k]) return HeapViolation.At(ViolationKind.ListCountMismatch, offset, k);
                previous = node;
            }
            if (sentinel->Prev != previous) return HeapViolation.At(ViolationKind.ListLinkBroken, 0, k);
            if (count != s->FreeCounts[k] || ((s->NonEmpty >> k) & 1) != (count != 0 ? 1UL : 0UL))
                return HeapViolation.At(ViolationKind.ListCountMismatch, 0, k);
        }
        return default;
    }

    private static nuint PopCount(ulong* map, nuint bits)
    {
        nuint total = 0;
        for (nuint i = 0; i < (bits + 63) / 64; i++) total += (nuint)Bits.PopCount(map[i]);
        return total;
    }
}
