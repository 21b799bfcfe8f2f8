namespace BuddyOS.Heap;

internal static unsafe partial class BuddyCore
{
    /// <summary>
    /// The core's own invariants: each free list is a well-linked ring of in-region, block-aligned nodes whose free bits
    /// are set, as long as its counter says; walking the tree, no split node is marked free, no two free buddies
    /// coexist, the free blocks per order match the counters, and no bit is set below a leaf (so no blocks overlap).
    /// <paramref name="freeBytes"/> is the bytes in free blocks. O(region / minimum block). Never writes anything.
    /// </summary>
    public static HeapViolation Validate(BuddyCoreState* c, out nuint freeBytes)
    {
        freeBytes = 0;
        HeapViolation v = ValidateLists(c);
        if (!v.IsClean) return v;

        nuint* freeFound = stackalloc nuint[MaxOrders];
        for (int k = 0; k <= c->Top; k++) freeFound[k] = 0;
        nuint* stack = stackalloc nuint[MaxOrders + 2];
        int depth = 0;
        stack[depth++] = 1;
        nuint splitNodes = 0, freeNodes = 0;
        while (depth > 0)
        {
            nuint node = stack[--depth];
            int order = BuddyTree.OrderOfNode(c->Top, node);
            nuint offset = BuddyTree.OffsetOf(c->Top, c->MinShift, order, node);
            bool isFree = Test(c->Free, node);
            if (order > 0 && Test(c->Split, node))
            {
                if (isFree) return HeapViolation.At(ViolationKind.SplitNodeMarkedFree, offset, order);
                splitNodes++;
                stack[depth++] = (node << 1) | 1;
                stack[depth++] = node << 1;
                continue;
            }
            if (!isFree) continue;
            // A buddy that is free and not split is a free leaf: the two should have merged. (A split buddy marked
            // free is reported as SplitNodeMarkedFree when the walk reaches it.)
            if (order < c->Top && Test(c->Free, node ^ 1) && (order == 0 || !Test(c->Split, node ^ 1)))
                return HeapViolation.At(ViolationKind.UnmergedBuddies, offset, order);
            freeNodes++;
            freeFound[order]++;
            freeBytes += BlockSize(c, order);
        }
        for (int k = 0; k <= c->Top; k++)
            if (freeFound[k] != c->FreeCounts[k]) return HeapViolation.At(ViolationKind.FreeCountMismatch, 0, k);
        nuint leaves = (nuint)1 << c->Top;
        if (PopCount(c->Split, leaves) != splitNodes || PopCount(c->Free, leaves << 1) != freeNodes)
            return HeapViolation.At(ViolationKind.StrayBits, 0, -1);
        return default;
    }

    private static HeapViolation ValidateLists(BuddyCoreState* c)
    {
        for (int k = 0; k <= c->Top; k++)
        {
            FreeNode* sentinel = &c->Lists[k];
            FreeNode* previous = sentinel;
            nuint count = 0;
            nuint blockMask = BlockSize(c, k) - 1;
            for (FreeNode* node = sentinel->Next; node != sentinel; node = node->Next)
            {
                nuint offset = (nuint)((byte*)node - c->Base);
                // Check the node's place before reading through it: a corrupt link may point anywhere.
                if ((byte*)node < c->Base || offset >= c->Size || (offset & blockMask) != 0)
                    return HeapViolation.At(ViolationKind.ListNodeOutOfPlace, offset, k);
                if (node->Prev != previous) return HeapViolation.At(ViolationKind.ListLinkBroken, offset, k);
                if (!Test(c->Free, NodeOf(c, k, offset))) return HeapViolation.At(ViolationKind.ListNodeNotMarkedFree, offset, k);
                if (++count > c->FreeCounts[k]) return HeapViolation.At(ViolationKind.ListCountMismatch, offset, k);
                previous = node;
            }
            if (sentinel->Prev != previous) return HeapViolation.At(ViolationKind.ListLinkBroken, 0, k);
            if (count != c->FreeCounts[k] || ((c->NonEmpty >> k) & 1) != (count != 0 ? 1UL : 0UL))
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
