using Cache = BuddyOS.Heap.ObjectCache<BuddyOS.Heap.KernelSizeClasses, BuddyOS.Heap.PlacementSlabSource>;

namespace BuddyOS.Heap;

// What a collector needs from the heap: which block holds an address (its own start, or any byte inside it), and every
// allocated block in address order. Both read the metadata only (the core's bitmaps, the cache's side table, the run
// heads), never the region, so they work whatever the blocks hold. A slab is never seen whole: its slots are the
// blocks, a taken slot allocated, a free slot or the slab's tail free. A run is seen whole: one block, the order of its
// first leaf, its kept length; its slack (the leaves past it) is a free block of order -1, as a slab's tail is. Free
// memory is seen as the core's free blocks.
public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Finds the block, free or allocated, that holds <paramref name="address"/>. False when the address lies outside the
    /// region. O(1) in a slab; O(order of the leaf) elsewhere, plus a step back per leaf inside a run.
    /// </summary>
    public readonly bool TryFindBlock(byte* address, out HeapBlock block)
    {
        LayeredState* s = _s;
        nuint offset = (nuint)(address - s->Core.Base);
        if (offset >= s->Core.Size)
        {
            block = default;
            return false;
        }
        block = BlockAt(s, offset);
        return true;
    }

    private static HeapBlock BlockAt(LayeredState* s, nuint offset)
    {
        BuddyCoreState* c = &s->Core;
        SlabPage* page = Cache.SlabAt(&s->Cache, offset);
        if (page != null) return Cache.SlotAt(&s->Cache, page, c->Base, offset);
        int k = BuddyCore.LeafAt(c, offset, out nuint node);
        nuint size = BuddyCore.BlockSize(c, k), start = offset & ~(size - 1);
        if (BuddyCore.Test(c->Free, node)) return new HeapBlock(c->Base + start, size, k, true);
        HeapBlock run = RunAt(s, Placement.HeadOf(&s->Runs, c, start), out nuint slack);
        if (run.Contains(c->Base + offset)) return run;
        return new HeapBlock(run.End, slack, -1, true);   // in the run's slack
    }

    private static HeapBlock RunAt(LayeredState* s, nuint head, out nuint slack)
    {
        BuddyCoreState* c = &s->Core;
        ulong word = *Placement.HeadWord(&s->Runs, head);
        nuint kept = Placement.Kept(Placement.RequestOf(word));
        slack = Placement.SlackOf(word);
        int order = BuddyCore.LeafStartingAt(c, head, Bits.HighestBit((ulong)(kept + slack)) - c->MinShift, out _);
        return new HeapBlock(c->Base + head, kept, order, false);
    }

    /// <summary>As <see cref="TryFindBlock"/>, for a conservative root scan: true only when the address lies inside an
    /// allocated block, whose start it returns.</summary>
    public readonly bool TryFindAllocatedBlock(byte* address, out byte* start) => HeapWalk<BuddyHeap>.FindAllocated(this, address, out start);

    /// <summary>The first allocated block at or after <paramref name="cursor"/>, which moves past it: a slab's free slots
    /// in one bit scan per 64, a free leaf in one step, a run in one.</summary>
    public readonly bool NextAllocatedBlock(ref nuint cursor, out HeapBlock block)
    {
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        while (cursor < c->Size)
        {
            SlabPage* page = Cache.SlabAt(&s->Cache, cursor);
            if (page != null)
            {
                if (Cache.NextLiveSlot(&s->Cache, page, c->Base, cursor, out block))
                {
                    cursor = (nuint)(block.End - c->Base);
                    return true;
                }
                cursor = (cursor | (((nuint)1 << ObjectCacheState.SlabShift) - 1)) + 1;
                continue;
            }
            // Found again from the metadata at each step: a block freed (and merged) since is stepped over.
            int k = BuddyCore.LeafAt(c, cursor, out nuint node);
            nuint size = BuddyCore.BlockSize(c, k), start = cursor & ~(size - 1);
            if (BuddyCore.Test(c->Free, node))
            {
                cursor = start + size;
                continue;
            }
            block = RunAt(s, Placement.HeadOf(&s->Runs, c, start), out nuint slack);
            bool fresh = block.Start >= c->Base + cursor;   // a run that began before the cursor came after the last step
            cursor = (nuint)(block.End - c->Base) + slack;
            if (fresh) return true;
        }
        block = default;
        return false;
    }

    /// <summary>Every allocated block in address order: slots one by one, never their slab; runs whole
    /// (see <see cref="HeapWalk{THeap}"/>).</summary>
    public readonly HeapWalk<BuddyHeap> AllocatedBlocks() => new HeapWalk<BuddyHeap>(this);
}
