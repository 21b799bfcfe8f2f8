namespace BuddyOS.Heap;

// What a collector needs from the heap: which block holds an address (its own start, or any byte inside it),
// and every allocated block in address order. Both read the split and free bitmaps (and, inside a slab, the
// side table's slot bits; for a trimmed run, the slack store) only; neither touches the region, so they work
// whatever the blocks hold. A slab is never seen whole: its slots are the blocks, a taken slot allocated, a
// free slot or the slab's tail free. A trimmed run is seen whole: one block, its head's order, its kept size.
public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Finds the block, free or allocated, that holds <paramref name="address"/> (its first byte or any byte
    /// inside it). False when the address lies outside the region. O(order of the block): the walk starts at the
    /// minimum block holding the address and climbs while the parent is not split, the same walk as Free's.
    /// Inside a slab, the slot (or the tail past the last slot) that holds it, O(1).
    /// </summary>
    public readonly bool TryFindBlock(byte* address, out HeapBlock block)
    {
        BuddyState* s = _s;
        nuint offset = (nuint)(address - s->Base);
        if (offset >= s->Size)
        {
            block = default;
            return false;
        }
        block = BlockAt(s, offset);
        return true;
    }

    /// <summary>
    /// As <see cref="TryFindBlock"/>, for the common question of a conservative root scan: true only when the
    /// address lies inside an allocated block, whose start it returns. O(order of the block).
    /// </summary>
    public readonly bool TryFindAllocatedBlock(byte* address, out byte* start)
    {
        if (TryFindBlock(address, out HeapBlock block) && !block.IsFree)
        {
            start = block.Start;
            return true;
        }
        start = null;
        return false;
    }

    /// <summary>The block holding region offset <paramref name="offset"/> (below the region size).</summary>
    private static HeapBlock BlockAt(BuddyState* s, nuint offset)
    {
        uint page = SlabAt(s, offset);
        if (page != NoSlab) return SlotAt(s, page, offset);
        int top = s->Top, minShift = s->MinShift;
        nuint node = ((nuint)1 << top) | (offset >> minShift);
        int order = 0;
        while (order < top && !Test(s->Split, node >> 1))
        {
            node >>= 1;
            order++;
        }
        nuint size = (nuint)1 << (minShift + order);
        nuint start = offset & ~(size - 1);
        bool isFree = Test(s->Free, node);
        if (!isFree && s->Trims && order >= GranuleOrder) return TrimmedBlockAt(s, start, order, size);
        return new HeapBlock(s->Base + start, size, order, isFree);
    }

    /// <summary>An allocated leaf of a trimming heap as the allocation it belongs to: a trimmed run whole (from a
    /// tail piece too, by stepping back to its head), else the block itself. O(pieces x orders).</summary>
    private static HeapBlock TrimmedBlockAt(BuddyState* s, nuint start, int order, nuint size)
    {
        if (*SlackWord(s, start) == TailMark) start = HeadOf(s, start, out order);
        size = BuddyTree.BlockSize(s->MinShift, order);
        nuint requested = size - (nuint)(*SlackWord(s, start));
        return new HeapBlock(s->Base + start, requested > size ? TrimmedBytes(requested) : size, order, false);
    }

    /// <summary>The slot of slab <paramref name="page"/> that holds <paramref name="offset"/>, or its tail.</summary>
    private static HeapBlock SlotAt(BuddyState* s, uint page, nuint offset)
    {
        SlabClass* c = &s->Classes[s->Slabs[page].Class - 1];
        nuint slabStart = (nuint)page << SlabShift;
        uint slot = (uint)(((offset - slabStart) * c->Magic) >> 32);
        if (slot >= c->Capacity)
        {
            nuint used = (nuint)c->Capacity * c->Size;
            return new HeapBlock(s->Base + slabStart + used, ((nuint)1 << SlabShift) - used, -1, true);
        }
        bool taken = ((&s->Slabs[page].Used0)[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
        return new HeapBlock(s->Base + slabStart + slot * c->Size, c->Size, -1, !taken);
    }

    /// <summary>The first taken slot of slab <paramref name="page"/> at or after <paramref name="slot"/>, or -1. O(1): 4 words.</summary>
    private static int NextTakenSlot(BuddyState* s, uint page, uint slot)
    {
        SlabClass* c = &s->Classes[s->Slabs[page].Class - 1];
        ulong* used = &s->Slabs[page].Used0;
        for (uint w = slot >> 6; (w << 6) < c->Capacity; w++)
        {
            ulong taken = used[w] & ~PastCapacity(c->Capacity, (int)w);
            if (w == slot >> 6) taken &= ulong.MaxValue << (int)(slot & 63);
            if (taken != 0) return (int)(w << 6) + Bits.TrailingZeros(taken);
        }
        return -1;
    }

    /// <summary>
    /// Every allocated block, in ascending address order: <c>foreach (HeapBlock b in heap.AllocatedBlocks())</c>.
    /// O(orders) per block visited (free blocks are stepped over, one step each; a slab's free slots in one O(1)
    /// step). Slab objects are visited one by one, never their slab. The caller may free the block
    /// it was just given (a sweep does): the walk goes on after it, past whatever that block merged into.
    /// Allocating during a walk is allowed but a new block may or may not be visited.
    /// </summary>
    public readonly AllocatedBlockWalk AllocatedBlocks() => new AllocatedBlockWalk(_s);

    /// <summary>The walk <see cref="AllocatedBlocks"/> returns; a struct, so a walk allocates nothing.</summary>
    public struct AllocatedBlockWalk
    {
        private readonly BuddyState* _s;
        private nuint _next;      // region offset where the next search starts
        private HeapBlock _current;

        internal AllocatedBlockWalk(BuddyState* s)
        {
            _s = s;
            _next = 0;
            _current = default;
        }

        /// <summary>The block the last successful <see cref="MoveNext"/> found.</summary>
        public readonly HeapBlock Current => _current;

        /// <summary>Advances to the next allocated block; false at the region's end.</summary>
        public bool MoveNext()
        {
            while (_next < _s->Size)
            {
                // Found again from the bitmaps at each step, so a block freed (and merged) since the last step
                // is seen as the free block it became and stepped over.
                HeapBlock block;
                uint page = SlabAt(_s, _next);
                if (page == NoSlab) block = BlockAt(_s, _next);
                else
                {
                    // Within a slab, step to its next taken slot at once rather than over each free one.
                    nuint slabStart = (nuint)page << SlabShift;
                    int slot = NextTakenSlot(_s, page, (uint)(((_next - slabStart) * _s->Classes[_s->Slabs[page].Class - 1].Magic) >> 32));
                    if (slot < 0)
                    {
                        _next = slabStart + ((nuint)1 << SlabShift);
                        continue;
                    }
                    block = BlockAt(_s, slabStart + (nuint)slot * _s->Classes[_s->Slabs[page].Class - 1].Size);
                }
                _next = (nuint)(block.End - _s->Base);
                if (!block.IsFree)
                {
                    _current = block;
                    return true;
                }
            }
            return false;
        }

        /// <summary>Lets <c>foreach</c> take the walk itself.</summary>
        public readonly AllocatedBlockWalk GetEnumerator() => this;
    }
}
