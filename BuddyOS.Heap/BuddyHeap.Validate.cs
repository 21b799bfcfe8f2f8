namespace BuddyOS.Heap;

public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Checks every invariant and reports the first one broken: each free list is a well-linked ring of
    /// in-region, block-aligned nodes whose free bits are set, as long as its counter says; walking the tree,
    /// no split node is marked free, no two free buddies coexist, the free blocks per order match the counters,
    /// no bit is set below a leaf (so no blocks overlap), each live block's slack is below its size, the held
    /// and requested bytes match the counters, and free + held = total. O(region size / minimum block).
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
        nuint splitNodes = 0, freeNodes = 0, held = 0, requested = 0;
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
                stack[depth++] = node << 1;
                stack[depth++] = (node << 1) | 1;
                continue;
            }

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
            else
            {
                nuint slack = s->ExactRequested ? ReadSlack(order, offset) : 0;
                if (slack >= size) return HeapViolation.At(ViolationKind.SlackOutOfRange, offset, order);
                held += size;
                requested += size - slack;
            }
        }

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
        if (freeBytes + held != s->Size) return HeapViolation.At(ViolationKind.AccountingMismatch, 0, -1);
        if (s->PeakHeld < s->Held || s->PeakRequested < s->Requested || s->Frees > s->Allocations)
            return HeapViolation.At(ViolationKind.CounterMismatch, 0, -1);
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
