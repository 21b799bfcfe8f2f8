using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

// Trimmed blocks (heaps with the object cache): a buddy allocation keeps only its request rounded up to a
// 256-byte granule and gives the rest of its power-of-two block back, the way Linux's alloc_pages_exact does.
// Such an allocation (a run) is a stretch of ordinary allocated leaves of the tree: a head at its address and
// tail pieces after it, each a power of two of at least a granule. Nothing new is stored per block:
// - the head's slack entry (64 bits: every piece is at least 256 B, order 4) holds block size - requested as
//   usual; for a run the request exceeds the head, so the value is negative (two's complement), which no plain
//   block's slack can be. The run's length follows from the request: TrimmedBytes(requested).
// - each tail piece's slack entry holds TailMark (2^63), which neither a plain slack (below the block size) nor
//   a head's negative slack (above -2^62) can equal: a pointer to a tail piece is an interior pointer.
// Free, shrink and the walks follow the leaves from the head; they never assume how the run was cut. A new
// run goes to a well-fitting stretch of adjacent free blocks (TryPlaceRun), a run grows in place by claiming
// the free blocks after it, and a shrinking run moves into a hole that fits it: the heap fails when no stretch
// it finds is long enough, not when no power of two is free.
public unsafe partial struct BuddyHeap
{
    /// <summary>The granule of a trimmed block: a heap with the object cache keeps a buddy allocation's request
    /// rounded up to it, not to a power of two, and gives the rest of the block back.</summary>
    public const int TrimGranule = 256;

    /// <summary>The order of a granule (with the object cache's 16-byte minimum block).</summary>
    internal const int GranuleOrder = 4;

    /// <summary>The slack entry of a tail piece of a trimmed block.</summary>
    internal const ulong TailMark = 1UL << 63;

    /// <summary><paramref name="size"/> rounded up to the granule (size at most the region size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint TrimmedBytes(nuint size) => (size + (TrimGranule - 1)) & ~(nuint)(TrimGranule - 1);

    /// <summary>The bytes a request of <paramref name="size"/> served by a block of <paramref name="order"/>
    /// holds: the block, or with trimming the size rounded up to the granule when the block is larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint HeldFor(BuddyState* s, int order, nuint size)
    {
        nuint blockSize = BuddyTree.BlockSize(s->MinShift, order);
        if (!s->Trims || order <= GranuleOrder) return blockSize;
        nuint trimmed = TrimmedBytes(size);
        return trimmed < blockSize ? trimmed : blockSize;
    }

    /// <summary>The slack entry's address of the block at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong* SlackWord(BuddyState* s, nuint offset)
        => (ulong*)(s->Slack + ((((offset >> s->MinShift) << s->SlackShift)) >> 3));

    /// <summary>True when the allocated block at (<paramref name="order"/>, <paramref name="offset"/>) is a tail piece.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTailPiece(BuddyState* s, int order, nuint offset)
        => s->Trims && order >= GranuleOrder && *SlackWord(s, offset) == TailMark;

    /// <summary>Records a freshly taken block of <paramref name="order"/> for <paramref name="size"/> bytes,
    /// trimming its tail first when the heap trims.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(BuddyState* s, int order, nuint offset, nuint size)
    {
        if (order > GranuleOrder && s->Trims) CommitTrimmed(s, order, offset, size);
        else Account(s, order, offset, size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CommitTrimmed(BuddyState* s, int order, nuint offset, nuint size)
    {
        nuint keep = HeldFor(s, order, size);
        int head = order;
        if (keep < BuddyTree.BlockSize(s->MinShift, order)) head = Carve(s, order, offset, keep, headFirst: true);
        s->Allocations++;
        AddLive(keep, RecordRequested(head, offset, BuddyTree.BlockSize(s->MinShift, head), size));
    }

    /// <summary>
    /// Keeps the first <paramref name="keep"/> bytes of the allocated leaf (order, offset) and frees the rest:
    /// the block is split along the end of what is kept, every part wholly past it goes on its free list, every
    /// part wholly before it stays an allocated piece. The first piece is the head (returned: its order) unless
    /// <paramref name="headFirst"/> is false; the others get TailMark. O(orders). Nothing it frees can merge: each
    /// freed part's buddy lies on the path to the end of what is kept.
    /// </summary>
    private static int Carve(BuddyState* s, int order, nuint offset, nuint keep, bool headFirst)
    {
        int top = s->Top, minShift = s->MinShift, head = -1;
        nuint at = offset, rest = keep;
        for (int k = order; ; )
        {
            nuint size = BuddyTree.BlockSize(minShift, k);
            if (rest == size)
            {
                MarkPiece(s, k, at, ref head, headFirst);
                return head;
            }
            Set(s->Split, BuddyTree.NodeOf(top, minShift, k, at));
            k--;
            nuint half = size >> 1;
            if (rest <= half)
            {
                Push(s, k, at + half, BuddyTree.NodeOf(top, minShift, k, at + half));   // the upper half is past the end
            }
            else
            {
                MarkPiece(s, k, at, ref head, headFirst);                              // the lower half is kept whole
                at += half;
                rest -= half;
            }
        }
    }

    private static void MarkPiece(BuddyState* s, int order, nuint at, ref int head, bool headFirst)
    {
        if (head < 0 && headFirst) head = order;
        else
        {
            *SlackWord(s, at) = TailMark;
            if (head < 0) head = order;
        }
    }

    /// <summary>The order of the largest aligned block that starts at <paramref name="at"/> and ends by <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PieceOrderAt(BuddyState* s, nuint at, nuint end)
    {
        int fits = Bits.HighestBit((ulong)(end - at));
        int aligned = at == 0 ? fits : Bits.TrailingZeros((ulong)at);
        return (aligned < fits ? aligned : fits) - s->MinShift;
    }

    /// <summary>Claims the free stretch [at, end) as allocated pieces, the largest aligned blocks that tile it;
    /// the first is a head unless <paramref name="headFirst"/> is false, the rest get TailMark. Returns the first
    /// piece's order. O(pieces x orders).</summary>
    private static int ClaimRange(BuddyState* s, nuint at, nuint end, bool headFirst)
    {
        int first = -1;
        while (at < end)
        {
            int k = PieceOrderAt(s, at, end);
            ClaimPiece(s, k, at);
            MarkPiece(s, k, at, ref first, headFirst);
            at += BuddyTree.BlockSize(s->MinShift, k);
        }
        return first;
    }

    /// <summary>Grows the allocation at (head order, offset) from <paramref name="held"/> to <paramref name="keep"/>
    /// bytes in place when the bytes after it are free: they become its tail pieces. Changes nothing otherwise.</summary>
    private static bool TryGrowRun(BuddyState* s, int head, nuint offset, nuint held, nuint keep)
    {
        if (head < GranuleOrder || keep > s->Size - offset || !RangeFree(s, offset + held, offset + keep)) return false;
        ClaimRange(s, offset + held, offset + keep, headFirst: false);
        return true;
    }

    /// <summary>
    /// Gives back every piece of the allocation at (head order, offset) holding <paramref name="held"/> bytes,
    /// merging each. Debug builds poison it first and check the links each merge will follow.
    /// </summary>
    private static HeapStatus ReleaseAllocation(BuddyState* s, int head, nuint offset, nuint held)
    {
        nuint at = offset, end = offset + held;
        for (int k = head; at < end; k = LeafStartingAt(s, at, out _))
        {
            nuint size = BuddyTree.BlockSize(s->MinShift, k);
#if BUDDYOS_HEAP_DEBUG
            if (s->Checks != 0)
            {
                HeapStatus status = CheckMergeLinks(s, k, at);
                if (status != HeapStatus.Ok) return status;
                PoisonReleased(s, at, size);
                ReleasePoisoned(s, k, at);
                status = CheckReleased(s, k, at);
                if (status != HeapStatus.Ok) return status;
                at += size;
                continue;
            }
#endif
            Release(s, k, at);
            at += size;
        }
        return HeapStatus.Ok;
    }

    /// <summary>
    /// Shrinks the allocation at (head order, offset) from <paramref name="held"/> to <paramref name="keep"/>
    /// bytes in place: pieces wholly kept stay, the piece the new end cuts is carved, the pieces past it are
    /// released. Returns the head's order afterwards. Only bytes past the new end are written (free-list links;
    /// in debug builds poison).
    /// </summary>
    private static int ShrinkInPlace(BuddyState* s, int head, nuint offset, nuint held, nuint keep)
    {
        nuint at = offset, end = offset + held, cut = offset + keep;
        int newHead = head;
        for (int k = head; at < end; k = LeafStartingAt(s, at, out _))
        {
            nuint size = BuddyTree.BlockSize(s->MinShift, k);
            if (at + size <= cut)
            {
                at += size;
                continue;
            }
#if BUDDYOS_HEAP_DEBUG
            nuint from = at < cut ? cut : at;
            PoisonReleased(s, from, at + size - from);
#endif
            if (at < cut)
            {
                int first = Carve(s, k, at, cut - at, headFirst: at == offset);
                if (at == offset) newHead = first;
            }
            else
            {
#if BUDDYOS_HEAP_DEBUG
                if (s->Checks != 0) ReleasePoisoned(s, k, at);
                else
#endif
                Release(s, k, at);
            }
            at += size;
        }
        return newHead;
    }

    /// <summary>The leaf block holding <paramref name="offset"/>: its order and node (the walk of Free's Locate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeafAt(BuddyState* s, nuint offset, out nuint node)
    {
        int top = s->Top, order = 0;
        node = ((nuint)1 << top) | (offset >> s->MinShift);
        while (order < top && !Test(s->Split, node >> 1))
        {
            node >>= 1;
            order++;
        }
        return order;
    }

    /// <summary>The leaf block that starts at the block boundary <paramref name="at"/> (the end of a block, or 0),
    /// found downward from the largest order <paramref name="at"/> is aligned to: a leaf starting there can be no
    /// larger, so every node above it on the way is split. Usually one or two bit tests.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeafStartingAt(BuddyState* s, nuint at, out nuint node)
    {
        int top = s->Top, minShift = s->MinShift;
        int k = at == 0 ? top : Bits.TrailingZeros((ulong)at) - minShift;
        if (k > top) k = top;
        node = BuddyTree.NodeOf(top, minShift, k, at);
        while (k > 0 && Test(s->Split, node))
        {
            node <<= 1;   // the lower child: it starts at the same offset
            k--;
        }
        return k;
    }

    /// <summary>The leaf block that ends at the block boundary <paramref name="at"/> (above 0), downward from the
    /// largest order <paramref name="at"/> is aligned to, as <see cref="LeafStartingAt"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeafEndingAt(BuddyState* s, nuint at, out nuint node)
    {
        int top = s->Top, minShift = s->MinShift;
        int k = Bits.TrailingZeros((ulong)at) - minShift;
        if (k > top) k = top;
        node = BuddyTree.NodeOf(top, minShift, k, at - 1);
        while (k > 0 && Test(s->Split, node))
        {
            node = (node << 1) | 1;   // the upper child: it ends at the same offset
            k--;
        }
        return k;
    }

    /// <summary>True when every byte of [at, end) lies in free blocks. O(orders) per free block met.</summary>
    private static bool RangeFree(BuddyState* s, nuint at, nuint end)
    {
        while (at < end)
        {
            int k = LeafStartingAt(s, at, out nuint node);
            if (!Test(s->Free, node)) return false;
            at += BuddyTree.BlockSize(s->MinShift, k);
        }
        return true;
    }

    /// <summary>Takes the piece (order, at), which lies wholly in one free block, out of that block: the block
    /// leaves its list and is split toward the piece, each half that does not hold it going back free. O(orders).</summary>
    private static void ClaimPiece(BuddyState* s, int order, nuint at)
    {
        int top = s->Top, minShift = s->MinShift;
        int k = LeafAt(s, at, out nuint node);
        nuint start = at & ~(BuddyTree.BlockSize(minShift, k) - 1);
        Unlink(s, k, (FreeNode*)(s->Base + start), node);
        while (k > order)
        {
            Set(s->Split, BuddyTree.NodeOf(top, minShift, k, at));
            k--;
            nuint half = BuddyTree.BlockSize(minShift, k);
            nuint other = (at & ~(half - 1)) ^ half;
            Push(s, k, other, BuddyTree.NodeOf(top, minShift, k, other));
        }
    }

    /// <summary>The free blocks smaller than a request that TryPlaceRun widens, at most: the bound on its search.</summary>
    internal const int PlacementProbes = 12;

    /// <summary>
    /// Where a trimming heap puts every buddy allocation: a good fit over free stretches (maximal rows of
    /// adjacent free blocks), not over power-of-two blocks, which is what keeps a heap of kilobyte blocks dense.
    /// First the free blocks too small to hold the request alone (those of at least half the largest power of
    /// two in it: a stretch long enough holds one, its blocks growing then shrinking, each size at most once a
    /// side) are widened over their free neighbours, at most <see cref="PlacementProbes"/> of them, and the
    /// shortest stretch that holds the request wins: holes between live blocks fill first. Else the smallest
    /// free block that holds it alone (the buddy's own choice, O(1)) is used, from the start of the stretch
    /// it ends (the free blocks just before it go first). The run starts at the stretch's first granule (or
    /// the alignment, if larger) and is tiled by the largest aligned blocks. Each widening step finds the next
    /// leaf downward from its alignment (one or two bit tests, usually). Returns OutOfMemory, changing nothing,
    /// when neither finds room or the request is not one it takes (a size up to the granule, an alignment above
    /// the region's: the lists decide those), or, with <paramref name="holesOnly"/>, when no probed stretch
    /// fits but one that touches [<paramref name="besideStart"/>, <paramref name="besideEnd"/>).
    /// O(probes x blocks per stretch); a stretch has at most about twice the orders blocks (they grow, then shrink).
    /// </summary>
    private HeapStatus TryPlaceRun(nuint size, nuint alignment, out byte* block, bool holesOnly = false, nuint besideStart = 0,
        nuint besideEnd = 0)
    {
        block = null;
        BuddyState* s = _s;
        if (size - 1 >= s->Size || size <= TrimGranule || alignment - 1 >= s->NaturalAlignmentLimit
            || (alignment & (alignment - 1)) != 0)
            return HeapStatus.OutOfMemory;
        nuint keep = TrimmedBytes(size), step = alignment > TrimGranule ? alignment : TrimGranule;
        int top = PieceOrderAt(s, 0, keep);                 // the largest power of two in keep
        int whole = BuddyTree.OrderForBytes(s->MinShift, keep > step ? keep : step);   // a block that holds it alone, aligned
        int low = top - 1 < GranuleOrder ? GranuleOrder : top - 1;
        nuint best = nuint.MaxValue, bestLength = nuint.MaxValue;
        int probes = PlacementProbes;
        ulong orders = whole > low ? (s->NonEmpty >> low) & ((1UL << (whole - low)) - 1) : 0;
        while (orders != 0 && probes > 0 && bestLength != keep)
        {
            int k = low + Bits.TrailingZeros(orders);
            orders &= orders - 1;
            nuint anchorSize = BuddyTree.BlockSize(s->MinShift, k);
            FreeNode* sentinel = &s->Lists[k];
            for (FreeNode* n = sentinel->Next; n != sentinel && probes-- > 0; n = n->Next)
            {
                // A stretch as long as the best so far loses: widening stops once it is that long.
                nuint anchor = (nuint)((byte*)n - s->Base);
                nuint budget = bestLength < s->Size ? bestLength : s->Size;
                nuint to = StretchEnd(s, anchor + anchorSize, anchor + budget);
                if (to - anchor >= budget) continue;
                nuint from = StretchStart(s, anchor, to > budget ? to - budget : 0);
                nuint at = (from + step - 1) & ~(step - 1);
                if (at >= to || to - at < keep || to - from >= bestLength) continue;
                if (holesOnly && (from == besideEnd || to == besideStart)) continue;   // the stretch around the block itself
                best = at;
                bestLength = to - from;
                if (bestLength == keep) break;
            }
        }
        if (best == nuint.MaxValue)
        {
            if (holesOnly) return HeapStatus.OutOfMemory;
            int k = whole <= s->Top ? SmallestNonEmpty(s, whole) : -1;
            if (k < 0) return HeapStatus.OutOfMemory;
            nuint start = (nuint)((byte*)s->Lists[k].Next - s->Base);
            nuint from = StretchStart(s, start, start > keep ? start - keep : 0), at = (from + step - 1) & ~(step - 1);
            best = at < start && start + BuddyTree.BlockSize(s->MinShift, k) - at >= keep ? at : start;
        }
#if BUDDYOS_HEAP_DEBUG
        if (s->Checks != 0 && !PoisonedRange(s, best, best + keep)) return HeapStatus.UseAfterFree;
#endif
        int head = ClaimRange(s, best, best + keep, headFirst: true);
        s->Allocations++;
        AddLive(keep, RecordRequested(head, best, BuddyTree.BlockSize(s->MinShift, head), size));
        block = s->Base + best;
        return HeapStatus.Ok;
    }

    /// <summary>The start of the stretch of free blocks that ends with the free block at <paramref name="at"/>, or
    /// the first block boundary at or below <paramref name="limit"/> it reaches: the widening stops there.</summary>
    private static nuint StretchStart(BuddyState* s, nuint at, nuint limit)
    {
        while (at > limit)
        {
            int k = LeafEndingAt(s, at, out nuint node);
            if (!Test(s->Free, node)) break;
            at -= BuddyTree.BlockSize(s->MinShift, k);
        }
        return at;
    }

    /// <summary>The end of the stretch of free blocks that starts at <paramref name="at"/> (after a free block), or
    /// the first block boundary at or past <paramref name="limit"/> it reaches.</summary>
    private static nuint StretchEnd(BuddyState* s, nuint at, nuint limit)
    {
        if (limit > s->Size) limit = s->Size;
        while (at < limit)
        {
            int k = LeafStartingAt(s, at, out nuint node);
            if (!Test(s->Free, node)) break;
            at += BuddyTree.BlockSize(s->MinShift, k);
        }
        return at;
    }

    /// <summary>The allocation a tail piece (order, offset) belongs to: its head's offset and order, found by
    /// stepping back over the pieces before it. O(pieces x orders).</summary>
    private static nuint HeadOf(BuddyState* s, nuint offset, out int headOrder)
    {
        headOrder = -1;
        while (offset > 0)
        {
            int k = LeafEndingAt(s, offset, out _);
            nuint start = offset - BuddyTree.BlockSize(s->MinShift, k);
            offset = start;
            if (!IsTailPiece(s, k, start))
            {
                headOrder = k;
                break;
            }
        }
        return offset;
    }

#if BUDDYOS_HEAP_DEBUG
    /// <summary>Every byte of the free stretch [start, end) holds the poison but the links at its free blocks' starts.</summary>
    private static bool PoisonedRange(BuddyState* s, nuint start, nuint end)
    {
        if ((s->Checks & (byte)HeapChecks.Poison) == 0) return true;
        for (nuint at = start; at < end; )
        {
            int k = LeafAt(s, at, out _);
            nuint size = BuddyTree.BlockSize(s->MinShift, k);
            nuint blockStart = at & ~(size - 1), blockEnd = blockStart + size;
            nuint to = blockEnd < end ? blockEnd : end;
            nuint from = blockStart + LinkBytes > at ? blockStart + LinkBytes : at;
            if (to > from && !PoisonIntact(s->Base + from, to - from)) return false;
            at = to;
        }
        return true;
    }
#endif
}
