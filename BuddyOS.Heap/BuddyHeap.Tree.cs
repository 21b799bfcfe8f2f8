using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

// The block tree: the two bitmaps, the free lists, splitting and merging. Node numbering and the rest of the
// tree arithmetic are BuddyTree's.
// Invariants (checked by Validate): a node is split, free, allocated, or does not exist (it lies below a
// leaf); Free bit set <=> the node is on list[order]; two free buddies never coexist (they merge).
public unsafe partial struct BuddyHeap
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly nuint Node(int order, nuint offset) => BuddyTree.NodeOf(_s->Top, _s->MinShift, order, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Test(ulong* map, nuint i) => ((map[i >> 6] >> (int)(i & 63)) & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Set(ulong* map, nuint i) => map[i >> 6] |= 1UL << (int)(i & 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(ulong* map, nuint i) => map[i >> 6] &= ~(1UL << (int)(i & 63));

    /// <summary>Validates (size, alignment) and finds the order of the block that serves it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly HeapStatus OrderFor(nuint size, nuint alignment, out int order)
    {
        order = 0;
        if (size == 0) return HeapStatus.ZeroSize;
        if (!Bits.IsPowerOfTwo(alignment)) return HeapStatus.AlignmentNotPowerOfTwo;
        if (size > nuint.MaxValue - (alignment - 1)) return HeapStatus.SizeOverflow;
        BuddyState* s = _s;
        if (alignment > s->Size) return HeapStatus.AlignmentTooLarge;
        if (size > s->Size) return HeapStatus.SizeTooLarge;
        // Natural alignment serves any alignment up to the region's own: fold it into the block size.
        nuint need = alignment <= s->BaseAlignment && alignment > size ? alignment : size;
        order = BuddyTree.OrderForBytes(s->MinShift, need);
        if (alignment > s->BaseAlignment && BuddyTree.BlockSize(s->MinShift, order) > s->BaseAlignment)
            return HeapStatus.AlignmentTooLarge;   // every block this big sits at the base's alignment only
        return HeapStatus.Ok;
    }

    /// <summary>Puts the block at (order, offset), tree node <paramref name="node"/>, on its free list. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Push(BuddyState* s, int order, nuint offset, nuint node)
    {
        var block = (FreeNode*)(s->Base + offset);
        FreeNode* sentinel = &s->Lists[order];
        FreeNode* first = sentinel->Next;
        block->Next = first;
        block->Prev = sentinel;
        first->Prev = block;
        sentinel->Next = block;
        s->FreeCounts[order]++;
        s->NonEmpty |= 1UL << order;
        Set(s->Free, node);
    }

    /// <summary>Takes a free block off its list and clears its free bit. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unlink(BuddyState* s, int order, FreeNode* block, nuint node)
    {
        block->Prev->Next = block->Next;
        block->Next->Prev = block->Prev;
        if (--s->FreeCounts[order] == 0) s->NonEmpty &= ~(1UL << order);
        Clear(s->Free, node);
    }

    /// <summary>Takes the first block of a non-empty list; returns its offset. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint PopFirst(BuddyState* s, int order)
    {
        FreeNode* block = s->Lists[order].Next;
        nuint offset = (nuint)((byte*)block - s->Base);
        Unlink(s, order, block, BuddyTree.NodeOf(s->Top, s->MinShift, order, offset));
        return offset;
    }

    /// <summary>Splits the (already unlinked) block at (from, offset) down to order <paramref name="to"/>,
    /// freeing each upper half; the lower half of order <paramref name="to"/> is the caller's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint SplitDown(BuddyState* s, int from, int to, nuint offset)
    {
        if (from == to) return offset;
        int minShift = s->MinShift;
        nuint node = BuddyTree.NodeOf(s->Top, minShift, from, offset);
        do
        {
            Set(s->Split, node);
            from--;
            node <<= 1;                                    // the lower child stays ours...
            Push(s, from, offset + BuddyTree.BlockSize(minShift, from), node | 1);   // ...the upper one is free
        }
        while (from > to);
        return offset;
    }

    /// <summary>Frees the block at (order, offset), merging with free buddies upward. O(orders); each
    /// buddy test is one bit.</summary>
    private static void Release(BuddyState* s, int order, nuint offset)
    {
        int top = s->Top, minShift = s->MinShift;
        ulong* free = s->Free;
        nuint node = BuddyTree.NodeOf(top, minShift, order, offset);
        while (order < top && Test(free, node ^ 1))
        {
            nuint half = BuddyTree.BlockSize(minShift, order);
            Unlink(s, order, (FreeNode*)(s->Base + (offset ^ half)), node ^ 1);
            offset &= ~half;
            node >>= 1;
            order++;
            Clear(s->Split, node);
        }
        Push(s, order, offset, node);
    }

    /// <summary>
    /// Finds the allocated block that <paramref name="block"/> starts, or says why it cannot be one.
    /// Along the path from a minimum block to the root the split bits read 0 up to the leaf that holds it and 1
    /// above, so the leaf is found in O(leaf order) bit tests: one for a minimum block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly HeapStatus Locate(byte* block, out nuint offset, out int order)
    {
        BuddyState* s = _s;
        offset = (nuint)(block - s->Base);
        order = 0;
        if (offset >= s->Size) return block == null ? HeapStatus.NullPointer : HeapStatus.ForeignPointer;
        int top = s->Top, minShift = s->MinShift;
        if ((offset & (BuddyTree.BlockSize(minShift, 0) - 1)) != 0) return HeapStatus.MisalignedPointer;

        nuint leaf = BuddyTree.NodeOf(top, minShift, 0, offset);   // the minimum block's node
        ulong* split = s->Split;
        int k = 0;
        while (k < top && !Test(split, leaf >> 1)) { leaf >>= 1; k++; }
        order = k;
        if (Test(s->Free, leaf)) return HeapStatus.DoubleFree;
        if ((offset & (BuddyTree.BlockSize(minShift, k) - 1)) != 0) return HeapStatus.InteriorPointer;
        return HeapStatus.Ok;
    }

    /// <summary>
    /// Placement for alignments above the region's base alignment (small blocks only, see OrderFor): tries the
    /// offsets that give the wanted absolute alignment, lowest first, and claims the first one that lies in a
    /// free block. O(orders) per candidate, at most RegionSize / alignment candidates.
    /// </summary>
    private bool TryPlace(int order, nuint alignment, out nuint offset)
    {
        BuddyState* s = _s;
        nuint blockSize = BlockSize(order);
        for (nuint at = (0 - (nuint)s->Base) & (alignment - 1); at + blockSize <= s->Size; at += alignment)
        {
            // Walk down from the root to the first node on the path that is not split.
            int k = s->Top;
            while (k > order && Test(s->Split, Node(k, at))) k--;
            nuint start = at & ~(BlockSize(k) - 1);
            if (!Test(s->Free, Node(k, start))) continue;       // allocated, or split below our order
            Unlink(s, k, (FreeNode*)(s->Base + start), Node(k, start));
            // Split toward `at`, freeing the half that does not hold it at each order.
            while (k > order)
            {
                Set(s->Split, Node(k, at));
                k--;
                nuint half = BlockSize(k);
                nuint other = (at & ~(half - 1)) ^ half;
                Push(s, k, other, Node(k, other));
            }
            offset = at;
            return true;
        }
        offset = 0;
        return false;
    }

    /// <summary>Grows the block at (order, offset) to newOrder when it is the lower buddy at every order on the
    /// way and every upper buddy is free; changes nothing otherwise. O(orders).</summary>
    private bool TryGrowInPlace(int order, int newOrder, nuint offset)
    {
        BuddyState* s = _s;
        if ((offset & (BlockSize(newOrder) - 1)) != 0) return false;
        for (int k = order; k < newOrder; k++)
        {
            if (!Test(s->Free, Node(k, offset + BlockSize(k)))) return false;
        }
        for (int k = order; k < newOrder; k++)
        {
            nuint upper = offset + BlockSize(k);
            Unlink(s, k, (FreeNode*)(s->Base + upper), Node(k, upper));
            Clear(s->Split, Node(k + 1, offset));
        }
        return true;
    }

    // ---------------------------------------------------------------- slack store
    // Each minimum block owns 2^SlackShift bits. A block of order k owns its minimum blocks' bits; the first
    // min(2^(SlackShift + k), 64) of them, naturally aligned, hold its slack (block size - requested size).

    /// <summary>The requested size of a live block: exact, or its block size without the slack store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly nuint RequestedOf(int order, nuint offset, nuint blockSize)
        => _s->ExactRequested ? blockSize - ReadSlack(order, offset) : blockSize;

    /// <summary>Records a live block's requested size; returns the figure the statistics count for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private nuint RecordRequested(int order, nuint offset, nuint blockSize, nuint size)
    {
        if (!_s->ExactRequested) return blockSize;
        WriteSlack(order, offset, blockSize - size);
        return size;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly nuint ReadSlack(int order, nuint offset)
    {
        BuddyState* s = _s;
        nuint bit = (offset >> s->MinShift) << s->SlackShift;
        byte* at = s->Slack + (bit >> 3);
        switch (SlackWidth(order))
        {
            case 4: return (nuint)(((bit & 4) != 0 ? *at >> 4 : *at) & 0xF);
            case 8: return *at;
            case 16: return *(ushort*)at;
            case 32: return *(uint*)at;
            default: return (nuint)(*(ulong*)at);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteSlack(int order, nuint offset, nuint slack)
    {
        BuddyState* s = _s;
        nuint bit = (offset >> s->MinShift) << s->SlackShift;
        byte* at = s->Slack + (bit >> 3);
        switch (SlackWidth(order))
        {
            case 4:
                *at = (bit & 4) != 0 ? (byte)((*at & 0x0F) | ((int)slack << 4)) : (byte)((*at & 0xF0) | (int)slack);
                break;
            case 8: *at = (byte)slack; break;
            case 16: *(ushort*)at = (ushort)slack; break;
            case 32: *(uint*)at = (uint)slack; break;
            default: *(ulong*)at = slack; break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int SlackWidth(int order)
    {
        int shift = _s->SlackShift + order;
        return shift >= 6 ? 64 : 1 << shift;
    }

    // ---------------------------------------------------------------- accounting and memory

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddLive(nuint held, nuint requested)
    {
        BuddyState* s = _s;
        s->Held += held;
        s->Requested += requested;
        if (s->Held > s->PeakHeld) s->PeakHeld = s->Held;
        if (s->Requested > s->PeakRequested) s->PeakRequested = s->Requested;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RemoveLive(nuint held, nuint requested) => RemoveLive(_s, held, requested);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RemoveLive(BuddyState* s, nuint held, nuint requested)
    {
        s->Held -= held;
        s->Requested -= requested;
    }

    internal static void ClearBytes(byte* p, nuint count)
    {
        while (count > 0)
        {
            uint chunk = count > 0x40000000 ? 0x40000000u : (uint)count;
            Unsafe.InitBlockUnaligned(p, 0, chunk);
            p += chunk;
            count -= chunk;
        }
    }

    internal static void CopyBytes(byte* destination, byte* source, nuint count)
    {
        while (count > 0)
        {
            uint chunk = count > 0x40000000 ? 0x40000000u : (uint)count;
            Unsafe.CopyBlockUnaligned(destination, source, chunk);
            destination += chunk;
            source += chunk;
            count -= chunk;
        }
    }
}
