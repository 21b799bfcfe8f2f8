using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>The pure buddy heap's state: the core, the slack store and the counters.</summary>
internal unsafe struct PureState
{
    public BuddyCoreState Core;
    public HeapCounters Counters;
    public byte* Slack;           // per allocated block: block size minus requested size (see PureBuddyHeap's slack store)
    public int SlackShift;        // log2 of the bits of slack storage per minimum block
    public bool ExactRequested;   // the slack store is kept: requested sizes are exact (else = block sizes)
    public nuint BaseAlignment;   // lowest set bit of Base: alignments above it need a placement search
    public nuint NaturalAlignmentLimit;   // min(BaseAlignment, Size): alignments up to it fold into the block size
    public nuint MetadataBytes;
}

/// <summary>
/// The buddy core as a heap of its own: every request is a power-of-two block, the smallest free one that holds it,
/// split down as needed; a free merges with free buddies up the orders. Free needs no size (the split bitmap says a
/// block's order), a bad pointer is refused with its own status, and a slack store keeps each live block's exact
/// requested size (4 bits per 16-byte minimum block: a block of order k pools its 2^k entries). This is the kernel's
/// heap built with -p:KernelHeap=PureBuddy and the benchmarks' "pure buddy"; <see cref="BuddyHeap"/> puts the object
/// cache and the placement of trimmed runs over the same core.
/// <para>
/// A handle: one pointer to state in the caller's metadata storage (<see cref="MetadataBytes"/>), so it can sit in a
/// static field before any heap exists. Not thread-safe. Every operation either succeeds or returns a status and
/// changes nothing.
/// </para>
/// </summary>
public unsafe struct PureBuddyHeap : IBuddyHeap
{
    /// <summary>The most orders a heap may have.</summary>
    public const int MaxOrders = BuddyCore.MaxOrders;

    /// <summary>The byte every free byte holds while <see cref="HeapChecks.Poison"/> is on.</summary>
    public const byte PoisonByte = HeapConstants.PoisonByte;

    private PureState* _s;

    /// <summary>The orders of a heap of <paramref name="size"/> bytes with 16-byte minimum blocks (4 MiB: 19).</summary>
    public static int OrdersFor(nuint size) => Bits.HighestBit((ulong)size) - BuddyCore.MinBlockShift + 1;

    // ---------------------------------------------------------------- creation

    private struct Layout
    {
        public nuint Lists, Counts, Split, Free, Slack, Total;
        public int SlackShift;
    }

    private static bool TryLayout(nuint size, int orders, out Layout layout)
    {
        layout = default;
        if (!BuddyCore.IsValidShape(size, orders)) return false;
        int minShift = BuddyTree.MinShiftFor(size, orders);
        // Entries of w >= minShift bits per minimum block: a block of order k owns 2^k entries, and w * 2^k >= minShift + k
        // bits always hold its slack (which is below its size, 2^(minShift + k)).
        layout.SlackShift = minShift <= 4 ? 2 : minShift <= 8 ? 3 : minShift <= 16 ? 4 : minShift <= 32 ? 5 : 6;
        nuint leaves = (nuint)1 << (orders - 1);
        var cursor = new MetadataCursor();
        cursor.Take((nuint)sizeof(PureState));
        BuddyCore.Reserve(ref cursor, orders, out layout.Lists, out layout.Counts, out layout.Split, out layout.Free);
        nuint slackBytes = (leaves << layout.SlackShift) / 8;
        layout.Slack = cursor.Take(slackBytes > 8 ? slackBytes : 8);
        layout.Total = cursor.At;
        return true;
    }

    /// <summary>
    /// The bytes of metadata storage a heap of <paramref name="size"/> bytes and <paramref name="orders"/> orders needs
    /// (4 MiB and 19 orders: about 230,000), or 0 when that is not a valid configuration (size not a power of two, orders
    /// outside 1..<see cref="MaxOrders"/>, or a minimum block, <c>size &gt;&gt; (orders - 1)</c>, below 16 bytes). O(1).
    /// </summary>
    public static nuint MetadataBytes(nuint size, int orders) => TryLayout(size, orders, out Layout layout) ? layout.Total : 0;

    /// <summary>
    /// Builds an empty heap: the whole region is one free block of the largest order. InvalidConfiguration when the region
    /// is null or not 4096-aligned, the configuration is invalid (see <see cref="MetadataBytes"/>), the metadata is null,
    /// not 16-aligned or overlaps the region; MetadataTooSmall when <paramref name="metadataBytes"/> is below
    /// <see cref="MetadataBytes"/>. O(metadata size): it clears it.
    /// <para>
    /// <paramref name="exactRequestedBytes"/> (the default) keeps each live block's requested size, so requested bytes and
    /// fragmentation are exact and a moving reallocation copies only what was asked for; with false, a block's requested
    /// size is taken to be its block size everywhere.
    /// </para>
    /// </summary>
    public static HeapStatus TryCreate(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes,
        out PureBuddyHeap heap, bool exactRequestedBytes = true)
    {
        heap = default;
        bool valid = TryLayout(size, orders, out Layout layout);
        HeapStatus status = HeapConstants.CheckCreate(region, size, metadata, metadataBytes, valid ? layout.Total : 0);
        if (status != HeapStatus.Ok) return status;

        HeapConstants.ClearBytes(metadata, layout.Total);
        var s = (PureState*)metadata;
        BuddyCore.Initialize(&s->Core, region, size, orders, metadata, layout.Lists, layout.Counts, layout.Split, layout.Free);
        s->BaseAlignment = (nuint)region & (0 - (nuint)region);
        s->NaturalAlignmentLimit = s->BaseAlignment < size ? s->BaseAlignment : size;
        s->MetadataBytes = layout.Total;
        s->SlackShift = layout.SlackShift;
        s->ExactRequested = exactRequestedBytes;
        s->Slack = metadata + layout.Slack;
        heap._s = s;
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- shape

    /// <summary>True once <see cref="TryCreate"/> has succeeded for this handle.</summary>
    public readonly bool IsCreated => _s != null;
    /// <summary>The first byte of the region.</summary>
    public readonly byte* RegionStart => _s->Core.Base;
    /// <summary>The region's size in bytes.</summary>
    public readonly nuint RegionSize => _s->Core.Size;
    /// <summary>The number of block sizes.</summary>
    public readonly int Orders => _s->Core.Top + 1;
    /// <summary>The smallest block, <c>RegionSize &gt;&gt; (Orders - 1)</c>.</summary>
    public readonly nuint MinBlockSize => BlockSize(0);
    /// <summary>The bytes of metadata storage this heap uses.</summary>
    public readonly nuint MetadataSize => _s->MetadataBytes;
    /// <summary>The largest alignment every block size can honour: the alignment of the region's start. Larger
    /// alignments are honoured only for blocks no bigger than it (found by a placement search).</summary>
    public readonly nuint BaseAlignment => _s->BaseAlignment;
    /// <summary>Bytes in a block of <paramref name="order"/>.</summary>
    public readonly nuint BlockSize(int order) => BuddyCore.BlockSize(&_s->Core, order);
    /// <summary>True when <paramref name="p"/> lies inside the region. O(1).</summary>
    public readonly bool Contains(byte* p) => BuddyCore.Contains(&_s->Core, p);
    /// <summary>The number of free blocks of <paramref name="order"/>. O(1).</summary>
    public readonly nuint FreeBlockCount(int order) => BuddyCore.FreeBlockCount(&_s->Core, order);
    /// <summary>No object cache here: nothing to give back.</summary>
    public readonly nuint TrimObjectCache() => 0;

    // ---------------------------------------------------------------- allocation

    /// <summary>
    /// Allocates the smallest free block that holds <paramref name="size"/> bytes at <paramref name="alignment"/>,
    /// splitting a larger one down as needed. O(orders). Statuses: ZeroSize, AlignmentNotPowerOfTwo, SizeOverflow,
    /// AlignmentTooLarge, SizeTooLarge, OutOfMemory; on each, nothing changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block)
    {
        PureState* s = _s;
        BuddyCoreState* c = &s->Core;
        // Fast path: 1 <= size <= heap and a power-of-two alignment natural alignment covers. The unsigned
        // `x - 1 < limit` tests reject zero along with values above the limit.
        if (size - 1 < c->Size && alignment - 1 < s->NaturalAlignmentLimit && (alignment & (alignment - 1)) == 0)
        {
            int order = BuddyTree.OrderForBytes(c->MinShift, size > alignment ? size : alignment);
#if BUDDYOS_HEAP_DEBUG
            if (c->Checks != 0) return TryAllocateChecked(order, size, out block);
#endif
            if (BuddyCore.TakeBlock(c, order, out nuint offset))
            {
                Commit(order, offset, size);
                block = c->Base + offset;
                return HeapStatus.Ok;
            }
            block = null;
            return HeapStatus.OutOfMemory;
        }
        return TryAllocateSlow(size, alignment, out block);
    }

    /// <summary>Requests the fast path does not take: bad arguments (each its own status) and placement above the
    /// region's base alignment.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus TryAllocateSlow(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        PureState* s = _s;
        BuddyCoreState* c = &s->Core;
        HeapStatus status = BuddyCore.OrderFor(c, s->BaseAlignment, size, alignment, out int order);
        if (status != HeapStatus.Ok) return status;
#if BUDDYOS_HEAP_DEBUG
        if (c->Checks != 0 && alignment <= s->NaturalAlignmentLimit) return TryAllocateChecked(order, size, out block);
#endif
        bool found = alignment <= s->NaturalAlignmentLimit
            ? BuddyCore.TakeBlock(c, order, out nuint offset)
            : BuddyCore.TryPlace(c, order, alignment, out offset);
        if (!found) return HeapStatus.OutOfMemory;
        Commit(order, offset, size);
        block = c->Base + offset;
        return HeapStatus.Ok;
    }

#if BUDDYOS_HEAP_DEBUG
    /// <summary>TakeBlock with the debug checks around it: the list's head before, the block after (a block that
    /// fails goes back as it was, evidence included).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus TryAllocateChecked(int order, nuint size, out byte* block)
    {
        block = null;
        BuddyCoreState* c = &_s->Core;
        int from = BuddyCore.SmallestNonEmpty(c, order);
        if (from < 0) return HeapStatus.OutOfMemory;
        HeapStatus status = BuddyCore.CheckListHead(c, from);
        if (status != HeapStatus.Ok) return status;
        BuddyCore.TakeBlock(c, order, out nuint offset);
        status = BuddyCore.CheckTaken(c, order, offset);
        if (status != HeapStatus.Ok)
        {
            BuddyCore.ReleasePoisoned(c, order, offset);   // back as it was: it is not poisoned again
            return status;
        }
        Commit(order, offset, size);
        block = c->Base + offset;
        return HeapStatus.Ok;
    }
#endif

    /// <summary>Records a new live block: its slack, the counters and the peaks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(int order, nuint offset, nuint size)
    {
        nuint blockSize = BlockSize(order);
        _s->Counters.Allocations++;
        _s->Counters.AddLive(blockSize, RecordRequested(order, offset, blockSize, size));
    }

    /// <summary>As <see cref="TryAllocate"/>, then zeroes the first <paramref name="size"/> bytes. O(orders + size).</summary>
    public HeapStatus TryAllocateZeroed(nuint size, nuint alignment, out byte* block)
    {
        HeapStatus status = TryAllocate(size, alignment, out block);
        if (status == HeapStatus.Ok) HeapConstants.ClearBytes(block, size);
        return status;
    }

    /// <summary>As <see cref="TryAllocate"/>, returning null on any failure. O(orders).</summary>
    public byte* Allocate(nuint size, nuint alignment)
    {
        TryAllocate(size, alignment, out byte* block);
        return block;
    }

    // ---------------------------------------------------------------- free

    /// <summary>The allocated block <paramref name="block"/> starts, or why it is none (NullPointer, ForeignPointer,
    /// MisalignedPointer, InteriorPointer, DoubleFree). O(order of the block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly HeapStatus Locate(byte* block, out nuint offset, out int order)
    {
        BuddyCoreState* c = &_s->Core;
        offset = (nuint)(block - c->Base);
        order = 0;
        if (offset >= c->Size) return block == null ? HeapStatus.NullPointer : HeapStatus.ForeignPointer;
        return BuddyCore.Locate(c, offset, out order);
    }

    /// <summary>
    /// Returns an allocated block, merging it with its free buddies up the orders. O(orders); the buddy test is O(1)
    /// from the free bitmap. Statuses: NullPointer, ForeignPointer, MisalignedPointer, InteriorPointer, DoubleFree; on
    /// each, nothing changes.
    /// </summary>
    public HeapStatus Free(byte* block)
    {
        PureState* s = _s;
        HeapStatus status = Locate(block, out nuint offset, out int order);
        if (status != HeapStatus.Ok) return status;
        nuint blockSize = BlockSize(order);
#if BUDDYOS_HEAP_DEBUG
        if (s->Core.Checks != 0)
        {
            status = BuddyCore.CheckMergeLinks(&s->Core, order, offset);
            if (status != HeapStatus.Ok) return status;
        }
#endif
        s->Counters.RemoveLive(blockSize, RequestedOf(order, offset, blockSize));
        s->Counters.Frees++;
#if BUDDYOS_HEAP_DEBUG
        if (s->Core.Checks != 0)
        {
            BuddyCore.PoisonReleased(&s->Core, offset, blockSize);
            BuddyCore.ReleasePoisoned(&s->Core, order, offset);
            return BuddyCore.CheckReleased(&s->Core, order, offset);
        }
#endif
        BuddyCore.ReleaseBlock(&s->Core, order, offset);
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- reallocation

    /// <summary>
    /// Resizes a block. Shrinking stays in place (the tail goes back to the lists); growing stays in place when the
    /// block is the lower half at each order up to the new size and every buddy on the way is free; otherwise the
    /// contents (the old requested size, or the new size if smaller) move to a new block and the old one is freed.
    /// O(orders) plus the copy. As with C's realloc, an over-alignment asked at allocation is not remembered: a moved
    /// block is naturally aligned to its size. Statuses: those of <see cref="Free"/> for the pointer, those of
    /// <see cref="TryAllocate"/> for the size; on each, nothing changes and the old block stays valid.
    /// </summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock)
        => TryReallocate(block, newSize, 1, out newBlock);

    /// <summary>As <see cref="TryReallocate(byte*, nuint, out byte*)"/>, keeping <paramref name="alignment"/> (Rust's
    /// GlobalAlloc::realloc contract): in place only when the block's address honours it, a move allocates at it.</summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, nuint alignment, out byte* newBlock)
    {
        newBlock = null;
        HeapStatus status = Locate(block, out nuint offset, out int order);
        if (status != HeapStatus.Ok) return status;
        PureState* s = _s;
        status = BuddyCore.OrderFor(&s->Core, s->BaseAlignment, newSize, alignment, out int newOrder);
        if (status != HeapStatus.Ok) return status;
        nuint oldHeld = BlockSize(order), oldRequested = RequestedOf(order, offset, oldHeld);
        bool inPlace = ((nuint)block & (alignment - 1)) == 0
            && (newOrder <= order || BuddyCore.TryGrowInPlace(&s->Core, order, newOrder, offset));
        if (!inPlace)
        {
            status = TryAllocate(newSize, alignment, out byte* fresh);
            if (status != HeapStatus.Ok) return status;
            HeapConstants.CopyBytes(fresh, block, oldRequested < newSize ? oldRequested : newSize);
            s->Counters.RemoveLive(oldHeld, oldRequested);
#if BUDDYOS_HEAP_DEBUG
            if (s->Core.Checks != 0) BuddyCore.PoisonReleased(&s->Core, offset, oldHeld);
            if (s->Core.Checks != 0) BuddyCore.ReleasePoisoned(&s->Core, order, offset);
            else
#endif
            BuddyCore.ReleaseBlock(&s->Core, order, offset);
            s->Counters.Allocations--;   // the move is one reallocation, not an allocation
            s->Counters.Reallocations++;
            newBlock = fresh;
            return HeapStatus.Ok;
        }
        if (newOrder < order)
        {
#if BUDDYOS_HEAP_DEBUG
            nuint kept = BlockSize(newOrder);
            BuddyCore.PoisonReleased(&s->Core, offset + kept, oldHeld - kept);
#endif
            BuddyCore.Carve(&s->Core, order, offset, BlockSize(newOrder));
        }
        s->Counters.RemoveLive(oldHeld, oldRequested);
        nuint newHeld = BlockSize(newOrder);
        s->Counters.AddLive(newHeld, RecordRequested(newOrder, offset, newHeld, newSize));
        s->Counters.Reallocations++;
        newBlock = block;
        return HeapStatus.Ok;
    }

    /// <summary>The size of the block <paramref name="block"/> starts (its whole power-of-two size). O(orders).</summary>
    public readonly HeapStatus TryGetUsableSize(byte* block, out nuint usableSize)
    {
        usableSize = 0;
        HeapStatus status = Locate(block, out _, out int order);
        if (status == HeapStatus.Ok) usableSize = BlockSize(order);
        return status;
    }

    /// <summary>The size the caller last asked for this block, or its block size when the heap was created without
    /// exact requested sizes. O(orders).</summary>
    public readonly HeapStatus TryGetRequestedSize(byte* block, out nuint requestedSize)
    {
        requestedSize = 0;
        HeapStatus status = Locate(block, out nuint offset, out int order);
        if (status == HeapStatus.Ok) requestedSize = RequestedOf(order, offset, BlockSize(order));
        return status;
    }

    // ---------------------------------------------------------------- statistics

    /// <summary>A snapshot of the counters. O(1).</summary>
    public readonly HeapStatistics GetStatistics()
    {
        HeapStatistics st = _s->Counters.ToStatistics(_s->Core.Size);
        st.FreeBytes = _s->Core.Size - _s->Counters.Held;
        st.LargestFreeBlock = BuddyCore.LargestFree(&_s->Core);
        return st;
    }

    // ---------------------------------------------------------------- slack store
    // Each minimum block owns 2^SlackShift bits. A block of order k owns its minimum blocks' bits; the first
    // min(2^(SlackShift + k), 64) of them, naturally aligned, hold its slack (block size - requested size).

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
        PureState* s = _s;
        nuint bit = (offset >> s->Core.MinShift) << s->SlackShift;
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
        PureState* s = _s;
        nuint bit = (offset >> s->Core.MinShift) << s->SlackShift;
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

    // ---------------------------------------------------------------- finding blocks and the walk

    /// <summary>
    /// Finds the block, free or allocated, that holds <paramref name="address"/> (its first byte or any byte inside it).
    /// False outside the region. O(order of the block): the climb from the minimum block Free uses. Reads only the
    /// bitmaps, never the region.
    /// </summary>
    public readonly bool TryFindBlock(byte* address, out HeapBlock block)
    {
        BuddyCoreState* c = &_s->Core;
        nuint offset = (nuint)(address - c->Base);
        if (offset >= c->Size)
        {
            block = default;
            return false;
        }
        int order = BuddyCore.LeafAt(c, offset, out nuint node);
        nuint size = BlockSize(order);
        block = new HeapBlock(c->Base + (offset & ~(size - 1)), size, order, BuddyCore.Test(c->Free, node));
        return true;
    }

    /// <summary>As <see cref="TryFindBlock"/>, for a conservative root scan: true only when the address lies inside an
    /// allocated block, whose start it returns.</summary>
    public readonly bool TryFindAllocatedBlock(byte* address, out byte* start) => HeapWalk<PureBuddyHeap>.FindAllocated(this, address, out start);

    /// <summary>The first allocated block at or after <paramref name="cursor"/> (a block boundary), which moves past it.
    /// Free blocks are stepped over, one leaf each.</summary>
    public readonly bool NextAllocatedBlock(ref nuint cursor, out HeapBlock block)
    {
        BuddyCoreState* c = &_s->Core;
        while (cursor < c->Size)
        {
            TryFindBlock(c->Base + cursor, out block);
            cursor = (nuint)(block.End - c->Base);
            if (!block.IsFree) return true;
        }
        block = default;
        return false;
    }

    /// <summary>Every allocated block in address order (see <see cref="HeapWalk{THeap}"/>). O(orders) per block visited.</summary>
    public readonly HeapWalk<PureBuddyHeap> AllocatedBlocks() => new HeapWalk<PureBuddyHeap>(this);

    // ---------------------------------------------------------------- validation and checks

    /// <summary>
    /// Checks every invariant and reports the first one broken: the core's (lists, tree, counters), then each live
    /// block's slack below its size, held and requested bytes against the counters, free + held = total, the peaks.
    /// O(region / minimum block). Never writes anything.
    /// </summary>
    public readonly HeapViolation Validate()
    {
        PureState* s = _s;
        BuddyCoreState* c = &s->Core;
        HeapViolation v = BuddyCore.Validate(c, out nuint freeBytes);
        if (!v.IsClean) return v;
        nuint held = 0, requested = 0;
        for (nuint at = 0; at < c->Size; )
        {
            int k = BuddyCore.LeafStartingAt(c, at, out nuint node);
            nuint size = BlockSize(k);
            if (!BuddyCore.Test(c->Free, node))
            {
                nuint slack = s->ExactRequested ? ReadSlack(k, at) : 0;
                if (slack >= size) return HeapViolation.At(ViolationKind.SlackOutOfRange, at, k);
                held += size;
                requested += size - slack;
            }
            at += size;
        }
        if (held != s->Counters.Held) return HeapViolation.At(ViolationKind.HeldBytesMismatch, 0, -1);
        if (requested != s->Counters.Requested) return HeapViolation.At(ViolationKind.RequestedBytesMismatch, 0, -1);
        if (freeBytes + held != c->Size) return HeapViolation.At(ViolationKind.AccountingMismatch, 0, -1);
        if (!s->Counters.Consistent) return HeapViolation.At(ViolationKind.CounterMismatch, 0, -1);
        return default;
    }

    /// <summary>Turns debug checks on or off. Turning poison on fills every free block now (O(free bytes)). Unsupported
    /// in a build without BUDDYOS_HEAP_DEBUG.</summary>
    public HeapStatus SetChecks(HeapChecks checks)
    {
#if BUDDYOS_HEAP_DEBUG
        BuddyCoreState* c = &_s->Core;
        if ((checks & HeapChecks.Poison) != 0 && !BuddyCore.Poisoning(c)) BuddyCore.PoisonFreeBlocks(c);
        c->Checks = (byte)checks;
        return HeapStatus.Ok;
#else
        return checks == HeapChecks.None ? HeapStatus.Ok : HeapStatus.Unsupported;
#endif
    }

    /// <summary>The debug checks now on (none in a build without BUDDYOS_HEAP_DEBUG).</summary>
    public readonly HeapChecks Checks => (HeapChecks)_s->Core.Checks;
}
