namespace BuddyOS.Heap;

// What a collector needs from the heap: which block holds an address (its own start, or any byte inside it),
// and every allocated block in address order. Both read the split and free bitmaps only; neither touches the
// region, so they work whatever the blocks hold.
public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Finds the block, free or allocated, that holds <paramref name="address"/> (its first byte or any byte
    /// inside it). False when the address lies outside the region. O(order of the block): the walk starts at the
    /// minimum block holding the address and climbs while the parent is not split, the same walk as Free's.
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
        return new HeapBlock(s->Base + start, size, order, Test(s->Free, node));
    }

    /// <summary>
    /// Every allocated block, in ascending address order: <c>foreach (HeapBlock b in heap.AllocatedBlocks())</c>.
    /// O(orders) per block visited (free blocks are stepped over, one step each). The caller may free the block
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
                HeapBlock block = BlockAt(_s, _next);
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
