using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>
/// A binary buddy allocator over one caller-given region.
/// <para>
/// The region is a power of two in size and split into <c>Orders</c> block sizes: order k holds blocks of
/// <c>MinBlockSize &lt;&lt; k</c> bytes, naturally aligned within the region. Blocks form an implicit binary
/// tree: a block is either split into two buddies, free (on its order's doubly linked, intrusive free
/// list), or allocated. Two bitmaps (split, free) record each node's state, so a block's buddy is tested
/// in O(1) and a free never scans a list; a slack store records each live block's exact requested size.
/// All of it lives in caller-provided metadata storage (<see cref="MetadataBytes"/>), none in the region.
/// </para>
/// <para>
/// This struct is a handle: it holds one pointer to that storage, so it can sit in a static field before any
/// heap exists, and copies of it are the same heap. It is not thread-safe; wrap it in a lock to share it.
/// Every operation either succeeds or returns a status and changes nothing.
/// </para>
/// </summary>
public unsafe partial struct BuddyHeap : IHeapAllocator
{
    /// <summary>The most orders a heap may have.</summary>
    public const int MaxOrders = 48;

    /// <summary>log2 of the smallest allowed minimum block: a free block must hold two pointers.</summary>
    internal const int MinBlockShift = 4;

    private BuddyState* _s;

    /// <summary>
    /// The orders of a heap of <paramref name="size"/> bytes (a power of two) whose smallest block is 16 bytes,
    /// the smallest allowed (4 MiB: 19 orders).
    /// </summary>
    public static int OrdersFor(nuint size) => Bits.HighestBit((ulong)size) - MinBlockShift + 1;

    /// <summary>Bytes in a block of <paramref name="order"/> (<see cref="MinBlockSize"/> &lt;&lt; order).</summary>
    public readonly nuint BlockSize(int order) => BuddyTree.BlockSize(_s->MinShift, order);

    // ---------------------------------------------------------------- creation

    /// <summary>
    /// The bytes of metadata storage a heap of <paramref name="size"/> bytes and <paramref name="orders"/>
    /// orders needs (for 4 MiB and 19 orders: 230,000 bytes; with the object cache 279,000), or 0 when that is not
    /// a valid configuration (size not a power of two, orders outside 1..<see cref="MaxOrders"/>, or a minimum
    /// block, <c>size &gt;&gt; (orders - 1)</c>, smaller than 16 bytes; with the object cache, a minimum block
    /// other than 16 bytes or a region smaller than a 4 KiB slab). O(1).
    /// </summary>
    public static nuint MetadataBytes(nuint size, int orders, bool objectCache = false)
        => BuddyLayout.TryCompute(size, orders, objectCache, out BuddyLayout layout) ? layout.Total : 0;

    /// <summary>
    /// Builds an empty heap: the whole region is one free block of the largest order.
    /// Fails with <see cref="HeapStatus.InvalidConfiguration"/> when the region is null or not 4096-aligned,
    /// the configuration is invalid (see <see cref="MetadataBytes"/>), the metadata is null, not 16-aligned
    /// or overlaps the region; with <see cref="HeapStatus.MetadataTooSmall"/> when
    /// <paramref name="metadataBytes"/> is below <see cref="MetadataBytes"/>. O(metadata size): it clears it.
    /// <para>
    /// <paramref name="exactRequestedBytes"/> (the default) keeps each live block's requested size, so
    /// <see cref="HeapStatistics.RequestedBytes"/> and fragmentation are exact and a moving reallocation copies
    /// only what was asked for. That costs one access to the slack store per allocation and free (about a
    /// fifth to a third of the time of a small allocate/free pair on the host); with false, a block's requested size is
    /// taken to be its block size everywhere: statistics then count held bytes as requested.
    /// </para>
    /// <para>
    /// <paramref name="objectCache"/> puts the object cache in front of the buddy: sizes up to
    /// <see cref="SlabLimit"/> come from slabs (4 KiB buddy blocks cut into slots of one size class, at most 25%
    /// above the request from 64 B on), larger ones are buddy blocks as without it (see BuddyHeap.Slab.cs).
    /// </para>
    /// </summary>
    public static HeapStatus TryCreate(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes,
        out BuddyHeap heap, bool exactRequestedBytes = true, bool objectCache = false)
    {
        heap = default;
        if (region == null || ((nuint)region & 4095) != 0) return HeapStatus.InvalidConfiguration;
        if (!BuddyLayout.TryCompute(size, orders, objectCache, out BuddyLayout layout)) return HeapStatus.InvalidConfiguration;
        if ((nuint)region + size - 1 < (nuint)region) return HeapStatus.InvalidConfiguration;   // wraps around
        if (metadata == null || ((nuint)metadata & 15) != 0) return HeapStatus.InvalidConfiguration;
        if (metadataBytes < layout.Total) return HeapStatus.MetadataTooSmall;
        if (metadata < region + size && region < metadata + layout.Total) return HeapStatus.InvalidConfiguration;

        ClearBytes(metadata, layout.Total);
        var s = (BuddyState*)metadata;
        s->Base = region;
        s->Size = size;
        s->BaseAlignment = (nuint)region & (0 - (nuint)region);
        s->NaturalAlignmentLimit = s->BaseAlignment < size ? s->BaseAlignment : size;
        s->MetadataBytes = layout.Total;
        s->Top = orders - 1;
        s->MinShift = BuddyTree.MinShiftFor(size, orders);
        s->SlackShift = layout.SlackShift;
        s->ExactRequested = exactRequestedBytes;
        s->Trims = objectCache && exactRequestedBytes;
        s->Lists = (FreeNode*)(metadata + layout.ListsOffset);
        s->FreeCounts = (nuint*)(metadata + layout.CountsOffset);
        s->Split = (ulong*)(metadata + layout.SplitOffset);
        s->Free = (ulong*)(metadata + layout.FreeOffset);
        s->Slack = metadata + layout.SlackOffset;
        if (objectCache)
        {
            s->Classes = (SlabClass*)(metadata + layout.ClassesOffset);
            s->Slabs = (SlabPage*)(metadata + layout.SlabsOffset);
            InitializeSlabClasses(s);
        }
        for (int k = 0; k < orders; k++)
        {
            FreeNode* sentinel = &s->Lists[k];
            sentinel->Next = sentinel;
            sentinel->Prev = sentinel;
        }

        heap._s = s;
        Push(s, s->Top, 0, 1);
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- shape

    /// <summary>True once <see cref="TryCreate"/> has succeeded for this handle.</summary>
    public readonly bool IsCreated => _s != null;
    /// <summary>The first byte of the region.</summary>
    public readonly byte* RegionStart => _s->Base;
    /// <summary>The region's size in bytes.</summary>
    public readonly nuint RegionSize => _s->Size;
    /// <summary>The number of block sizes.</summary>
    public readonly int Orders => _s->Top + 1;
    /// <summary>The smallest block, <c>RegionSize &gt;&gt; (Orders - 1)</c>.</summary>
    public readonly nuint MinBlockSize => BlockSize(0);
    /// <summary>The bytes of metadata storage this heap uses.</summary>
    public readonly nuint MetadataSize => _s->MetadataBytes;
    /// <summary>
    /// The largest alignment every block size can honour: the alignment of the region's start. Larger
    /// alignments are honoured only for blocks no bigger than it (found by a placement search).
    /// </summary>
    public readonly nuint BaseAlignment => _s->BaseAlignment;
    /// <summary>True when <paramref name="p"/> lies inside the region. O(1).</summary>
    public readonly bool Contains(byte* p) => p >= _s->Base && (nuint)(p - _s->Base) < _s->Size;
    /// <summary>The number of free blocks of <paramref name="order"/>. O(1).</summary>
    public readonly nuint FreeBlockCount(int order)
        => order < 0 || order > _s->Top ? 0 : _s->FreeCounts[order];

    // ---------------------------------------------------------------- allocation

    /// <summary>
    /// Allocates the smallest free block that holds <paramref name="size"/> bytes at <paramref name="alignment"/>,
    /// splitting a larger one down as needed. O(orders). Statuses: ZeroSize, AlignmentNotPowerOfTwo,
    /// SizeOverflow (size + alignment overflows), AlignmentTooLarge (above the heap size, or above the region's
    /// base alignment for a block larger than it), SizeTooLarge, OutOfMemory; on each, nothing changes.
    /// </summary>
    public HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block)
    {
        BuddyState* s = _s;
        if (s->Slabs != null)
        {
            // The common case alone, so it compiles without spills: a small object at malloc's alignment.
            if (size - 1 < SlabLimit && alignment - 1 < 16 && (alignment & (alignment - 1)) == 0)
                return AllocateObject(s, ClassFor(size), size, out block);
            return TryAllocateWithCache(size, alignment, out block);
        }
        return TryAllocateBlock(size, alignment, out block);
    }

    /// <summary>TryAllocate on a heap with the object cache, past its common case: an over-aligned slot, or a
    /// buddy allocation (a trimming heap places a run in a well-fitting free stretch; what it does not take, bad
    /// arguments and alignments above the region's, goes to the lists, which name the error or place the block).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus TryAllocateWithCache(nuint size, nuint alignment, out byte* block)
    {
        BuddyState* s = _s;
        int c = CacheClassFor(size, alignment);
        if (c >= 0) return AllocateObject(s, c, size, out block);
        HeapStatus status = PlaceOrTakeBlock(size, alignment, out block);
        return status == HeapStatus.OutOfMemory ? AllocateAfterFailure(size, alignment, out block) : status;
    }

    /// <summary>A buddy allocation on a heap with the cache: a run where TryPlaceRun finds room, else the lists.</summary>
    private HeapStatus PlaceOrTakeBlock(nuint size, nuint alignment, out byte* block)
    {
        HeapStatus status;
        if (_s->Trims && (status = TryPlaceRun(size, alignment, out block)) != HeapStatus.OutOfMemory) return status;
        return TryAllocateBlock(size, alignment, out block);
    }

    /// <summary>When nothing holds a valid request: the spare slabs go back to the buddy and merge, then both
    /// placements again. Out of memory is the answer only then.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus AllocateAfterFailure(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        return ReleaseSpareSlabs(_s) ? PlaceOrTakeBlock(size, alignment, out block) : HeapStatus.OutOfMemory;
    }

    /// <summary>A buddy block for the request (TryAllocate without the object cache).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private HeapStatus TryAllocateBlock(nuint size, nuint alignment, out byte* block)
    {
        BuddyState* s = _s;
        // Fast path: 1 <= size <= heap and a power-of-two alignment that natural alignment covers. The
        // unsigned `x - 1 < limit` tests reject zero along with values above the limit.
        if (size - 1 < s->Size && alignment - 1 < s->NaturalAlignmentLimit && (alignment & (alignment - 1)) == 0)
        {
            nuint need = size > alignment ? size : alignment;
            int order = BuddyTree.OrderForBytes(s->MinShift, need);
#if BUDDYOS_HEAP_DEBUG
            if (s->Checks != 0) return TryAllocateChecked(s, order, size, out block);
#endif
            if (TakeFromLists(s, order, out nuint offset))
            {
                Commit(s, order, offset, size);
                block = s->Base + offset;
                return HeapStatus.Ok;
            }
            block = null;
            return HeapStatus.OutOfMemory;
        }
        return TryAllocateSlow(size, alignment, out block);
    }

    /// <summary>Requests the fast path does not take: bad arguments (each its own status) and placement.</summary>
    private HeapStatus TryAllocateSlow(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        HeapStatus status = OrderFor(size, alignment, out int order);
        if (status != HeapStatus.Ok) return status;
        BuddyState* s = _s;
#if BUDDYOS_HEAP_DEBUG
        if (s->Checks != 0 && alignment <= s->NaturalAlignmentLimit) return TryAllocateChecked(s, order, size, out block);
#endif
        bool found = alignment <= s->NaturalAlignmentLimit
            ? TakeFromLists(s, order, out nuint offset)
            : TryPlace(order, alignment, out offset);
        if (!found) return HeapStatus.OutOfMemory;
        Commit(s, order, offset, size);
        block = s->Base + offset;
        return HeapStatus.Ok;
    }

    /// <summary>Takes the smallest free block of at least <paramref name="order"/> and splits it down to it. O(orders).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TakeFromLists(BuddyState* s, int order, out nuint offset)
    {
        int from = SmallestNonEmpty(s, order);
        if (from < 0)
        {
            offset = 0;
            return false;
        }
        offset = SplitDown(s, from, order, PopFirst(s, from));
        return true;
    }

    /// <summary>The smallest order of at least <paramref name="order"/> with a free block, or -1. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SmallestNonEmpty(BuddyState* s, int order)
    {
        ulong candidates = s->NonEmpty >> order;
        return candidates == 0 ? -1 : order + Bits.TrailingZeros(candidates);
    }

#if BUDDYOS_HEAP_DEBUG
    /// <summary>TakeFromLists with the debug checks around it: the list's head before, the block after.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus TryAllocateChecked(BuddyState* s, int order, nuint size, out byte* block)
    {
        block = null;
        int from = SmallestNonEmpty(s, order);
        if (from < 0) return HeapStatus.OutOfMemory;
        HeapStatus status = CheckListHead(s, from);
        if (status != HeapStatus.Ok) return status;
        TakeFromLists(s, order, out nuint offset);
        status = CheckTaken(s, order, offset);
        if (status != HeapStatus.Ok)
        {
            ReleasePoisoned(s, order, offset);   // back as it was, evidence included: it is not poisoned again
            return status;
        }
        Commit(s, order, offset, size);
        block = s->Base + offset;
        return HeapStatus.Ok;
    }

    /// <summary>Free with the debug checks around it: the buddies it will merge with before, the result after.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus FreeChecked(BuddyState* s, int order, nuint offset)
    {
        HeapStatus status = CheckMergeLinks(s, order, offset);
        if (status != HeapStatus.Ok) return status;
        nuint blockSize = BuddyTree.BlockSize(s->MinShift, order);
        RemoveLive(blockSize, RequestedOf(order, offset, blockSize));
        s->Frees++;
        PoisonReleased(s, offset, blockSize);
        ReleasePoisoned(s, order, offset);
        return CheckReleased(s, order, offset);
    }
#endif

    /// <summary>Records a new live block: its slack, the counters and the peaks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Account(BuddyState* s, int order, nuint offset, nuint size)
    {
        nuint blockSize = BuddyTree.BlockSize(s->MinShift, order);
        s->Allocations++;
        AddLive(blockSize, RecordRequested(order, offset, blockSize, size));
    }

    /// <summary>As <see cref="TryAllocate"/>, then zeroes the first <paramref name="size"/> bytes. O(orders + size).</summary>
    public HeapStatus TryAllocateZeroed(nuint size, nuint alignment, out byte* block)
    {
        HeapStatus status = TryAllocate(size, alignment, out block);
        if (status == HeapStatus.Ok) ClearBytes(block, size);
        return status;
    }

    /// <summary>As <see cref="TryAllocate"/>, returning null on any failure. O(orders).</summary>
    public byte* Allocate(nuint size, nuint alignment)
    {
        TryAllocate(size, alignment, out byte* block);
        return block;
    }

    // ---------------------------------------------------------------- free

    /// <summary>
    /// Returns an allocated block, merging it with its free buddies up the orders. O(orders); the buddy test is
    /// O(1) from the free bitmap. Statuses: NullPointer, ForeignPointer, MisalignedPointer, InteriorPointer,
    /// DoubleFree; on each, nothing changes.
    /// </summary>
    public HeapStatus Free(byte* block)
    {
        BuddyState* s = _s;
        uint slab = SlabOf(s, block);
        if (slab != NoSlab) return FreeObject(s, slab, (nuint)(block - s->Base));
        return FreeBlock(block);
    }

    /// <summary>Free of anything but a slot: a buddy block, a run, or a pointer that is neither.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus FreeBlock(byte* block)
    {
        BuddyState* s = _s;
        HeapStatus status = Locate(block, out nuint offset, out int order);
        if (status != HeapStatus.Ok) return status;
        nuint blockSize = BuddyTree.BlockSize(s->MinShift, order);
        nuint requested = RequestedOf(order, offset, blockSize);
        if (requested > blockSize) return FreeTrimmed(s, order, offset, requested);   // a trimmed run's head, or a tail piece
#if BUDDYOS_HEAP_DEBUG
        if (s->Checks != 0) return FreeChecked(s, order, offset);
#endif
        RemoveLive(blockSize, requested);
        s->Frees++;
        Release(s, order, offset);
        return HeapStatus.Ok;
    }

    /// <summary>Free of a block whose request exceeds it: a trimmed run (head and tail pieces go back), or a
    /// tail piece, which is no allocation's start.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HeapStatus FreeTrimmed(BuddyState* s, int order, nuint offset, nuint requested)
    {
        if (IsTailPiece(s, order, offset)) return HeapStatus.InteriorPointer;
        nuint held = TrimmedBytes(requested);
        RemoveLive(s, held, requested);
        s->Frees++;
        return ReleaseAllocation(s, order, offset, held);
    }

    // ---------------------------------------------------------------- reallocation

    /// <summary>
    /// Resizes a block. Shrinking stays in place (what it no longer needs goes back to the lists), except that a
    /// trimmed run moves into a free hole that holds it, when one is found away from the run itself. Growing
    /// stays in place when the bytes after it are free (with the object cache: any free blocks, which become
    /// the run's tail; the pure buddy: the block is the lower half at each order up to the new size and every
    /// buddy on the way is free); otherwise the contents (the old requested size, or the new size if smaller)
    /// move to a new block and the old one is freed. O(orders) plus the copy (a move searches as TryAllocate
    /// does). As with C's realloc, an over-alignment asked at allocation is not remembered: a block that stays in
    /// place keeps its address, a moved one is 16-aligned (a slot), 256-aligned (a run) or naturally aligned to its block (the pure buddy).
    /// Use the overload with an alignment to keep one. Statuses: those of <see cref="Free"/> for the pointer,
    /// those of <see cref="TryAllocate"/> for the size; on each, nothing changes and the old block stays valid.
    /// </summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock)
        => TryReallocate(block, newSize, 1, out newBlock);

    /// <summary>
    /// <see cref="TryReallocate(byte*, nuint, out byte*)"/> that keeps <paramref name="alignment"/> (Rust's
    /// GlobalAlloc::realloc contract): in place only when the block's address honours it, a move allocates at it.
    /// Statuses for the alignment are those of <see cref="TryAllocate"/>.
    /// </summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, nuint alignment, out byte* newBlock)
    {
        uint slab = SlabOf(_s, block);
        if (slab != NoSlab) return ReallocateObject(_s, slab, (nuint)(block - _s->Base), newSize, alignment, out newBlock);
        newBlock = null;
        HeapStatus status = LocateAllocation(block, out nuint offset, out int order, out nuint oldHeld, out nuint oldRequested);
        if (status != HeapStatus.Ok) return status;
        status = OrderFor(newSize, alignment, out int newOrder);
        if (status != HeapStatus.Ok) return status;

        BuddyState* s = _s;
        nuint newHeld = HeldFor(s, newOrder, newSize);
        int head = order;
        if (((nuint)block & (alignment - 1)) != 0)
            return ReallocateByMove(s, block, order, offset, oldHeld, oldRequested, newSize, alignment, out newBlock);
        if (newHeld > oldHeld)
        {
            // In place when the bytes after it are free: with trimming they become tail pieces, else only the
            // buddies up to the new order may join.
            if (s->Trims ? !TryGrowRun(s, order, offset, oldHeld, newHeld) : !TryGrowInPlace(order, newOrder, offset))
                return ReallocateByMove(s, block, order, offset, oldHeld, oldRequested, newSize, alignment, out newBlock);
            if (!s->Trims) head = newOrder;
        }
        else if (newHeld < oldHeld)
        {
            // A run that shrinks moves into a hole that fits it better when one is free (C's realloc may move on
            // a shrink): left where it is, its freed tail only lengthens the stretch after it, while the hole
            // stays too short for anything else. This is worth 2.4 points on talc's efficiency workload.
            if (s->Trims && newSize > SlabLimit)
            {
                status = TryPlaceRun(newSize, alignment, out byte* hole, holesOnly: true, offset, offset + oldHeld);
                if (status == HeapStatus.Ok) return FinishMove(s, block, hole, order, offset, oldHeld, oldRequested, newSize, out newBlock);
                if (status != HeapStatus.OutOfMemory) return status;
            }
            head = ShrinkInPlace(s, order, offset, oldHeld, newHeld);
        }
        RemoveLive(s, oldHeld, oldRequested);
        AddLive(newHeld, RecordRequested(head, offset, BlockSize(head), newSize));
        s->Reallocations++;
        newBlock = block;
        return HeapStatus.Ok;
    }

    /// <summary>A reallocation that cannot stay in place: a new block, the contents copied, the old one freed.</summary>
    private HeapStatus ReallocateByMove(BuddyState* s, byte* block, int order, nuint offset, nuint oldHeld, nuint oldRequested,
        nuint newSize, nuint alignment, out byte* newBlock)
    {
        HeapStatus status = TryAllocate(newSize, alignment, out byte* fresh);
        if (status != HeapStatus.Ok)
        {
            newBlock = null;
            return status;
        }
        return FinishMove(s, block, fresh, order, offset, oldHeld, oldRequested, newSize, out newBlock);
    }

    /// <summary>The rest of a move, once the new block is held: the contents copied, the old block freed.</summary>
    private HeapStatus FinishMove(BuddyState* s, byte* block, byte* fresh, int order, nuint offset, nuint oldHeld,
        nuint oldRequested, nuint newSize, out byte* newBlock)
    {
        newBlock = fresh;
        CopyBytes(newBlock, block, oldRequested < newSize ? oldRequested : newSize);
        RemoveLive(s, oldHeld, oldRequested);
        ReleaseAllocation(s, order, offset, oldHeld);
        s->Allocations--;           // the move is one reallocation, not an allocation
        s->Reallocations++;
        return HeapStatus.Ok;
    }

    /// <summary>Locate, then what the allocation holds: a plain block, or a trimmed run (a tail piece is an
    /// interior pointer). O(orders).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly HeapStatus LocateAllocation(byte* block, out nuint offset, out int order, out nuint held, out nuint requested)
    {
        held = requested = 0;
        HeapStatus status = Locate(block, out offset, out order);
        if (status != HeapStatus.Ok) return status;
        BuddyState* s = _s;
        held = BuddyTree.BlockSize(s->MinShift, order);
        requested = RequestedOf(order, offset, held);
        if (requested > held)
        {
            if (IsTailPiece(s, order, offset)) return HeapStatus.InteriorPointer;
            held = TrimmedBytes(requested);
        }
        return HeapStatus.Ok;
    }

    /// <summary>The size of the block <paramref name="block"/> starts (its whole power-of-two size, or its size
    /// class for a slab object). O(orders).</summary>
    public readonly HeapStatus TryGetUsableSize(byte* block, out nuint usableSize)
    {
        usableSize = 0;
        BuddyState* s = _s;
        uint slab = SlabOf(s, block);
        if (slab != NoSlab)
        {
            HeapStatus found = LocateObject(s, slab, (nuint)(block - s->Base), out SlabClass* c, out _);
            if (found == HeapStatus.Ok) usableSize = c->Size;
            return found;
        }
        HeapStatus status = LocateAllocation(block, out _, out _, out nuint held, out _);
        if (status == HeapStatus.Ok) usableSize = held;
        return status;
    }

    /// <summary>The size the caller last asked for this block (at allocation or reallocation), or its block size
    /// when the heap was created without exact requested sizes. O(orders).</summary>
    public readonly HeapStatus TryGetRequestedSize(byte* block, out nuint requestedSize)
    {
        requestedSize = 0;
        BuddyState* s = _s;
        uint slab = SlabOf(s, block);
        if (slab != NoSlab)
        {
            nuint at = (nuint)(block - s->Base);
            HeapStatus found = LocateObject(s, slab, at, out SlabClass* c, out _);
            if (found == HeapStatus.Ok) requestedSize = SlotRequestedOf(s, c, at);
            return found;
        }
        HeapStatus status = LocateAllocation(block, out _, out _, out _, out nuint requested);
        if (status == HeapStatus.Ok) requestedSize = requested;
        return status;
    }

    // ---------------------------------------------------------------- statistics

    /// <summary>A snapshot of the counters. O(1).</summary>
    public readonly HeapStatistics GetStatistics()
    {
        BuddyState* s = _s;
        nuint cached = CachedBytes(s);
        return new HeapStatistics
        {
            TotalBytes = s->Size,
            FreeBytes = s->Size - s->Held - cached,
            CachedBytes = cached,
            RequestedBytes = s->Requested,
            HeldBytes = s->Held,
            PeakRequestedBytes = s->PeakRequested,
            PeakHeldBytes = s->PeakHeld,
            LargestFreeBlock = s->NonEmpty == 0 ? 0 : BuddyTree.BlockSize(s->MinShift, Bits.HighestBit(s->NonEmpty)),
            Allocations = s->Allocations,
            Frees = s->Frees,
            Reallocations = s->Reallocations,
            InternalFragmentationPpm = HeapStatistics.FragmentationPpm(s->Held, s->Requested),
        };
    }
}
