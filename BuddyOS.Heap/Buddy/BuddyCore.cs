using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>An intrusive free-list link, stored in the first 16 bytes of every free block.</summary>
internal unsafe struct FreeNode
{
    public FreeNode* Next;
    public FreeNode* Prev;
}

/// <summary>
/// The buddy core's state: the region, one circular doubly linked free list per order (sentinels in Lists), a
/// counter per order, the mask of non-empty orders, and two bitmaps over the implicit block tree: Split (a node of
/// order 1 or more is cut into two children) and Free (a node is a free block, on its order's list). Lives in the
/// caller's metadata storage, never in the region.
/// </summary>
internal unsafe struct BuddyCoreState
{
    public byte* Base;
    public nuint Size;
    public int Top;               // the largest order: Orders - 1
    public int MinShift;          // log2 of the minimum block size
    public byte Checks;           // HeapChecks the owning heap runs (BUDDYOS_HEAP_DEBUG builds only)
    public ulong NonEmpty;        // bit k set when list k has a block
    public FreeNode* Lists;
    public nuint* FreeCounts;
    public ulong* Split;
    public ulong* Free;
}

/// <summary>Hands out 16-byte-aligned pieces of one metadata storage, in order: each layer's arrays.</summary>
internal struct MetadataCursor
{
    public nuint At;

    public nuint Take(nuint bytes)
    {
        nuint at = At;
        At += Bits.Round16(bytes);
        return at;
    }
}

/// <summary>
/// The buddy core: blocks of <c>MinBlockSize &lt;&lt; k</c> bytes for each order k, naturally aligned within the
/// region, forming an implicit binary tree (node 1 is the region, the children of node i are 2i and 2i + 1, the
/// buddy of node i is i ^ 1). A node is split, free (on its order's list), allocated (a leaf that is not free), or
/// does not exist (it lies below a leaf). Everything a layer above hands out comes from here: whole blocks
/// (TakeBlock / ReleaseBlock) or ranges of adjacent blocks (ClaimRange / ReleaseRange).
/// Invariants (Validate): Free bit set &lt;=&gt; the node is on list[order]; no split node is free; two free
/// buddies never coexist (they merge); no bit is set below a leaf.
/// </summary>
internal static unsafe partial class BuddyCore
{
    /// <summary>The most orders a core may have.</summary>
    public const int MaxOrders = 48;

    /// <summary>log2 of the smallest allowed minimum block: a free block must hold its two list links.</summary>
    public const int MinBlockShift = 4;

    // ---------------------------------------------------------------- shape and creation

    /// <summary>True when a region of <paramref name="size"/> bytes (a power of two) can have <paramref name="orders"/>
    /// orders: 1..MaxOrders, and a minimum block of at least 16 bytes.</summary>
    public static bool IsValidShape(nuint size, int orders)
        => orders >= 1 && orders <= MaxOrders && Bits.IsPowerOfTwo(size) && orders <= Bits.HighestBit((ulong)size) - MinBlockShift + 1;

    /// <summary>Reserves the core's arrays in <paramref name="cursor"/>: the list sentinels and counters, the split
    /// bitmap (one bit per node that can split: 2^top) and the free bitmap (one per node: 2^(top + 1)).</summary>
    public static void Reserve(ref MetadataCursor cursor, int orders, out nuint lists, out nuint counts, out nuint split, out nuint free)
    {
        nuint leaves = (nuint)1 << (orders - 1);
        lists = cursor.Take((nuint)orders * (nuint)sizeof(FreeNode));
        counts = cursor.Take((nuint)orders * (nuint)sizeof(nuint));
        split = cursor.Take(BitmapBytes(leaves));
        free = cursor.Take(BitmapBytes(leaves << 1));
    }

    private static nuint BitmapBytes(nuint bits) => ((bits + 63) / 64) * 8;

    /// <summary>An empty core over [region, region + size): the whole region one free block of the top order. The
    /// storage it points into must be cleared.</summary>
    public static void Initialize(BuddyCoreState* c, byte* region, nuint size, int orders, byte* metadata,
        nuint lists, nuint counts, nuint split, nuint free)
    {
        c->Base = region;
        c->Size = size;
        c->Top = orders - 1;
        c->MinShift = Bits.HighestBit((ulong)size) - (orders - 1);
        c->Lists = (FreeNode*)(metadata + lists);
        c->FreeCounts = (nuint*)(metadata + counts);
        c->Split = (ulong*)(metadata + split);
        c->Free = (ulong*)(metadata + free);
        for (int k = 0; k < orders; k++)
        {
            FreeNode* sentinel = &c->Lists[k];
            sentinel->Next = sentinel;
            sentinel->Prev = sentinel;
        }
        Push(c, c->Top, 0, 1);
    }

    // ---------------------------------------------------------------- bits and arithmetic

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Test(ulong* map, nuint i) => ((map[i >> 6] >> (int)(i & 63)) & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set(ulong* map, nuint i) => map[i >> 6] |= 1UL << (int)(i & 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(ulong* map, nuint i) => map[i >> 6] &= ~(1UL << (int)(i & 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint BlockSize(BuddyCoreState* c, int order) => (nuint)1 << (c->MinShift + order);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint NodeOf(BuddyCoreState* c, int order, nuint offset) => BuddyTree.NodeOf(c->Top, c->MinShift, order, offset);

    /// <summary>The smallest order of at least <paramref name="order"/> with a free block, or -1. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SmallestNonEmpty(BuddyCoreState* c, int order)
    {
        ulong candidates = c->NonEmpty >> order;
        return candidates == 0 ? -1 : order + Bits.TrailingZeros(candidates);
    }

    /// <summary>True when <paramref name="p"/> lies inside the region. O(1).</summary>
    public static bool Contains(BuddyCoreState* c, byte* p) => p >= c->Base && (nuint)(p - c->Base) < c->Size;

    /// <summary>The free blocks of <paramref name="order"/> (0 for an order the core does not have). O(1).</summary>
    public static nuint FreeBlockCount(BuddyCoreState* c, int order) => order < 0 || order > c->Top ? 0 : c->FreeCounts[order];

    /// <summary>The size of the largest free block, 0 when none is. O(1).</summary>
    public static nuint LargestFree(BuddyCoreState* c) => c->NonEmpty == 0 ? 0 : BlockSize(c, Bits.HighestBit(c->NonEmpty));

    /// <summary>
    /// Validates (size, alignment) for a block and finds the order that serves it: ZeroSize, AlignmentNotPowerOfTwo,
    /// SizeOverflow (size + alignment overflows), AlignmentTooLarge (above the region size, or above the region's base
    /// alignment for a block larger than it: every block that large sits at the base's alignment only), SizeTooLarge.
    /// Natural alignment serves any alignment up to the base's own, so it folds into the block size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapStatus OrderFor(BuddyCoreState* c, nuint baseAlignment, nuint size, nuint alignment, out int order)
    {
        order = 0;
        if (size == 0) return HeapStatus.ZeroSize;
        if (!Bits.IsPowerOfTwo(alignment)) return HeapStatus.AlignmentNotPowerOfTwo;
        if (size > nuint.MaxValue - (alignment - 1)) return HeapStatus.SizeOverflow;
        if (alignment > c->Size) return HeapStatus.AlignmentTooLarge;
        if (size > c->Size) return HeapStatus.SizeTooLarge;
        nuint need = alignment <= baseAlignment && alignment > size ? alignment : size;
        order = BuddyTree.OrderForBytes(c->MinShift, need);
        if (alignment > baseAlignment && BlockSize(c, order) > baseAlignment) return HeapStatus.AlignmentTooLarge;
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- free lists

    /// <summary>Puts the block at (order, offset), tree node <paramref name="node"/>, on its free list. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Push(BuddyCoreState* c, int order, nuint offset, nuint node)
    {
        var block = (FreeNode*)(c->Base + offset);
        FreeNode* sentinel = &c->Lists[order];
        FreeNode* first = sentinel->Next;
        block->Next = first;
        block->Prev = sentinel;
        first->Prev = block;
        sentinel->Next = block;
        c->FreeCounts[order]++;
        c->NonEmpty |= 1UL << order;
        Set(c->Free, node);
    }

    /// <summary>Takes a free block off its list and clears its free bit. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unlink(BuddyCoreState* c, int order, nuint offset, nuint node)
    {
        var block = (FreeNode*)(c->Base + offset);
        block->Prev->Next = block->Next;
        block->Next->Prev = block->Prev;
        if (--c->FreeCounts[order] == 0) c->NonEmpty &= ~(1UL << order);
        Clear(c->Free, node);
    }

    /// <summary>The offset of the first block on list <paramref name="order"/> (which is not empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint FirstFree(BuddyCoreState* c, int order) => (nuint)((byte*)c->Lists[order].Next - c->Base);

    /// <summary>Splits the (already unlinked) block at (from, offset) down to order <paramref name="to"/>, freeing
    /// each upper half; the lower block of order <paramref name="to"/> is the caller's, allocated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SplitDown(BuddyCoreState* c, int from, int to, nuint offset)
    {
        if (from == to) return;
        nuint node = NodeOf(c, from, offset);
        do
        {
            Set(c->Split, node);
            from--;
            node <<= 1;                                                    // the lower child stays ours...
            Push(c, from, offset + BlockSize(c, from), node | 1);          // ...the upper one is free
        }
        while (from > to);
    }

    /// <summary>Takes the smallest free block of at least <paramref name="order"/> and splits it down to it: the
    /// buddy's own allocation, O(orders). False (nothing changed) when no block is large enough.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TakeBlock(BuddyCoreState* c, int order, out nuint offset)
    {
        int from = SmallestNonEmpty(c, order);
        if (from < 0)
        {
            offset = 0;
            return false;
        }
        offset = FirstFree(c, from);
        Unlink(c, from, offset, NodeOf(c, from, offset));
        SplitDown(c, from, order, offset);
        return true;
    }

    /// <summary>Frees the allocated leaf at (order, offset), merging with free buddies upward. O(orders); each buddy
    /// test is one bit. Returns the order of the block it ended in.</summary>
    public static int ReleaseBlock(BuddyCoreState* c, int order, nuint offset)
    {
        int top = c->Top, minShift = c->MinShift;
        ulong* free = c->Free;
        nuint node = BuddyTree.NodeOf(top, minShift, order, offset);
        while (order < top && Test(free, node ^ 1))
        {
            nuint half = BuddyTree.BlockSize(minShift, order);
            Unlink(c, order, offset ^ half, node ^ 1);
            offset &= ~half;
            node >>= 1;
            order++;
            Clear(c->Split, node);
        }
        Push(c, order, offset, node);
        return order;
    }

    // ---------------------------------------------------------------- finding leaves

    /// <summary>The leaf holding <paramref name="offset"/> (any offset in the region): its order and node, found by
    /// climbing from the minimum block while the parent is not split. O(order of the leaf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LeafAt(BuddyCoreState* c, nuint offset, out nuint node)
    {
        int top = c->Top, order = 0;
        ulong* split = c->Split;
        node = ((nuint)1 << top) | (offset >> c->MinShift);
        while (order < top && !Test(split, node >> 1))
        {
            node >>= 1;
            order++;
        }
        return order;
    }

    /// <summary>The leaf that starts at <paramref name="at"/>, which must be a leaf boundary (the end of a block, or
    /// 0), found downward from the largest order <paramref name="at"/> is aligned to: a leaf starting there can be
    /// no larger, so every node above it on the way is split. Usually one or two bit tests.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LeafStartingAt(BuddyCoreState* c, nuint at, out nuint node) => LeafStartingAt(c, at, c->Top, out node);

    /// <summary>As the overload without a bound, for a leaf known to be of at most
    /// <paramref name="maxOrder"/> (one that ends by a known offset): the walk down starts no higher.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LeafStartingAt(BuddyCoreState* c, nuint at, int maxOrder, out nuint node)
    {
        int top = c->Top, minShift = c->MinShift;
        int k = at == 0 ? top : Bits.TrailingZeros((ulong)at) - minShift;
        if (k > maxOrder) k = maxOrder;
        node = BuddyTree.NodeOf(top, minShift, k, at);
        ulong* split = c->Split;
        while (k > 0 && Test(split, node))
        {
            node <<= 1;   // the lower child: it starts at the same offset
            k--;
        }
        return k;
    }

    /// <summary>The leaf that ends at the leaf boundary <paramref name="at"/> (above 0), downward from the largest
    /// order <paramref name="at"/> is aligned to, as LeafStartingAt does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LeafEndingAt(BuddyCoreState* c, nuint at, out nuint node)
    {
        int top = c->Top, minShift = c->MinShift;
        int k = Bits.TrailingZeros((ulong)at) - minShift;
        if (k > top) k = top;
        node = BuddyTree.NodeOf(top, minShift, k, at - 1);
        ulong* split = c->Split;
        while (k > 0 && Test(split, node))
        {
            node = (node << 1) | 1;   // the upper child: it ends at the same offset
            k--;
        }
        return k;
    }

    /// <summary>True when the leaf that ends at the leaf boundary <paramref name="at"/> is free (false at 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FreeBefore(BuddyCoreState* c, nuint at)
    {
        if (at == 0) return false;
        LeafEndingAt(c, at, out nuint node);
        return Test(c->Free, node);
    }

    /// <summary>True when the leaf that starts at the leaf boundary <paramref name="at"/> is free (false at the end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FreeFrom(BuddyCoreState* c, nuint at)
    {
        if (at >= c->Size) return false;
        LeafStartingAt(c, at, out nuint node);
        return Test(c->Free, node);
    }

    /// <summary>
    /// Finds the allocated leaf that <paramref name="offset"/> (inside the region) starts, or says why it is none:
    /// MisalignedPointer (off a minimum block), DoubleFree (in a free block), InteriorPointer (inside an allocated
    /// leaf). Along the path from a minimum block to the root the split bits read 0 up to the leaf that holds it and
    /// 1 above, so the leaf is found in O(leaf order) bit tests: one for a minimum block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapStatus Locate(BuddyCoreState* c, nuint offset, out int order)
    {
        order = 0;
        if ((offset & (BlockSize(c, 0) - 1)) != 0) return HeapStatus.MisalignedPointer;
        order = LeafAt(c, offset, out nuint node);
        if (Test(c->Free, node)) return HeapStatus.DoubleFree;
        if ((offset & (BlockSize(c, order) - 1)) != 0) return HeapStatus.InteriorPointer;
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- ranges of blocks

    /// <summary>True when every byte of [at, end) lies in free blocks (at a leaf boundary). O(blocks met).</summary>
    public static bool RangeFree(BuddyCoreState* c, nuint at, nuint end)
    {
        while (at < end)
        {
            int k = LeafStartingAt(c, at, out nuint node);
            if (!Test(c->Free, node)) return false;
            at += BlockSize(c, k);
        }
        return true;
    }

    /// <summary>
    /// Takes [from, to), which lies wholly in free blocks, out of the free lists: afterwards it is covered by
    /// allocated leaves (the largest aligned blocks the free blocks allowed), and the parts of the free blocks at its
    /// ends that lie outside it are free blocks again. O(blocks in the range + orders). <paramref name="fromLeafStart"/>:
    /// a free leaf starts at <paramref name="from"/> (found downward in a bit test or two, else by the climb). When the
    /// last block reaches at most <paramref name="slackLimit"/> bytes past <paramref name="to"/> (and starts at or after
    /// <paramref name="from"/>) it is taken whole, unsplit: returns where the claimed leaves end, <paramref name="to"/>
    /// or that block's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint ClaimRange(BuddyCoreState* c, nuint from, nuint to, bool fromLeafStart, nuint slackLimit = 0)
    {
        nuint node;
        int k = fromLeafStart ? LeafStartingAt(c, from, out node) : LeafAt(c, from, out node);
        nuint start = from & ~(BlockSize(c, k) - 1);
        while (true)
        {
            nuint size = BlockSize(c, k), end = start + size;
            Unlink(c, k, start, node);
            if (end >= to)
            {
                if (start >= from && end - to <= slackLimit) return end;   // whole: no piece pushed now, none unlinked later
                ClaimWithin(c, k, start, from, to);
                return to;
            }
            if (start < from) ClaimWithin(c, k, start, from, to);
            start = end;
            k = LeafStartingAt(c, start, out node);
        }
    }

    /// <summary>The unlinked block (order, start) overlaps [lo, hi) but does not lie in it: split it so that its part
    /// inside is allocated leaves and its part outside free blocks. Only the two edge paths recurse.</summary>
    private static void ClaimWithin(BuddyCoreState* c, int order, nuint start, nuint lo, nuint hi)
    {
        nuint size = BlockSize(c, order);
        if (start >= lo && start + size <= hi) return;                 // wholly inside: an allocated leaf
        nuint node = NodeOf(c, order, start);
        if (start >= hi || start + size <= lo)
        {
            Push(c, order, start, node);                               // wholly outside: free
            return;
        }
        Set(c->Split, node);
        nuint half = size >> 1;
        ClaimWithin(c, order - 1, start, lo, hi);
        ClaimWithin(c, order - 1, start + half, lo, hi);
    }

    /// <summary>Frees every allocated leaf of [from, to), which they cover exactly, merging each. O(leaves x orders).</summary>
    public static void ReleaseRange(BuddyCoreState* c, nuint from, nuint to)
    {
        for (nuint at = from; at < to; )
        {
            int k = LeafStartingAt(c, at, Bits.HighestBit((ulong)(to - at)) - c->MinShift, out _);
            ReleaseBlock(c, k, at);
            at += BlockSize(c, k);
        }
    }

    /// <summary>
    /// Frees the allocated leaves of [from, to), where [start, from) and [to, end) are free blocks (the free rows around
    /// it): afterwards [start, end) is one row of free blocks, each the largest aligned block that fits, as merging would
    /// leave it, but without merging one step at a time: each list operation is one the result needs (an old free block
    /// that becomes part of a larger one leaves its list, a new free block joins one), so no leaf is pushed only to be
    /// unlinked by the next merge. O(blocks in [start, end) x orders) bit tests.
    /// </summary>
    public static void ReleaseInto(BuddyCoreState* c, nuint from, nuint to, nuint start, nuint end)
    {
        int top = c->Top, minShift = c->MinShift;
        for (nuint at = start; at < end; )
        {
            int k = at == 0 ? top : Bits.TrailingZeros((ulong)at) - minShift;
            int fits = Bits.HighestBit((ulong)(end - at)) - minShift;
            if (k > fits) k = fits;
            if (k > top) k = top;
            nuint blockEnd = at + BlockSize(c, k);
            if (blockEnd > from && at < to)
            {
                // A new free block: the leaves inside it go (free ones off their lists), and the split bits from each up
                // to it are cleared; a climb stops at a bit an earlier leaf's climb cleared.
                for (nuint leaf = at; leaf < blockEnd; )
                {
                    int j = LeafStartingAt(c, leaf, k, out nuint node);
                    if (Test(c->Free, node)) Unlink(c, j, leaf, node);
                    leaf += BlockSize(c, j);
                    for (node >>= 1; j < k && Test(c->Split, node); node >>= 1, j++) Clear(c->Split, node);
                }
                Push(c, k, at, NodeOf(c, k, at));
            }
            at = blockEnd;   // (a block wholly inside [start, from) or [to, end) is a free block already)
        }
    }

    /// <summary>
    /// Keeps [offset, offset + keep) of the allocated leaf (order, offset) and frees the rest: the block is split along
    /// the end of what is kept, each part wholly past it goes on its free list, each part wholly before it stays an
    /// allocated leaf. Nothing freed can merge: each freed part's buddy lies on the path to the cut. O(orders).
    /// </summary>
    public static void Carve(BuddyCoreState* c, int order, nuint offset, nuint keep)
    {
        nuint at = offset, rest = keep;
        for (int k = order; ; )
        {
            nuint size = BlockSize(c, k);
            if (rest == size) return;
            Set(c->Split, NodeOf(c, k, at));
            k--;
            nuint half = size >> 1;
            if (rest <= half)
            {
                Push(c, k, at + half, NodeOf(c, k, at + half));   // the upper half is past the cut
            }
            else
            {
                at += half;                                        // the lower half is kept whole
                rest -= half;
            }
        }
    }

    /// <summary>
    /// Placement for alignments above the region's base alignment (small blocks): tries the offsets that give the wanted
    /// absolute alignment, lowest first, and claims the first one that lies in a free block. O(orders) per candidate,
    /// at most RegionSize / alignment candidates.
    /// </summary>
    public static bool TryPlace(BuddyCoreState* c, int order, nuint alignment, out nuint offset)
    {
        nuint blockSize = BlockSize(c, order);
        for (nuint at = (0 - (nuint)c->Base) & (alignment - 1); at + blockSize <= c->Size; at += alignment)
        {
            int k = LeafAt(c, at, out nuint node);
            if (k < order || !Test(c->Free, node)) continue;           // allocated, or a smaller free block
            nuint start = at & ~(BlockSize(c, k) - 1);
            Unlink(c, k, start, node);
            ClaimWithin(c, k, start, at, at + blockSize);
            offset = at;
            return true;
        }
        offset = 0;
        return false;
    }

    /// <summary>Grows the allocated leaf at (order, offset) to <paramref name="newOrder"/> when it is the lower buddy at
    /// every order on the way and every upper buddy is free; changes nothing otherwise. O(orders).</summary>
    public static bool TryGrowInPlace(BuddyCoreState* c, int order, int newOrder, nuint offset)
    {
        if ((offset & (BlockSize(c, newOrder) - 1)) != 0) return false;
        for (int k = order; k < newOrder; k++)
            if (!Test(c->Free, NodeOf(c, k, offset + BlockSize(c, k)))) return false;
        for (int k = order; k < newOrder; k++)
        {
            nuint upper = offset + BlockSize(c, k);
            Unlink(c, k, upper, NodeOf(c, k, upper));
            Clear(c->Split, NodeOf(c, k + 1, offset));
        }
        return true;
    }
}
