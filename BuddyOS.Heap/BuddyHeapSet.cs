namespace BuddyOS.Heap;

/// <summary>
/// Several buddy heaps behind one allocator: the kernel's first region plus RAM found later (for example in
/// the boot memory map). <see cref="AddRange"/> cuts any address range into aligned power-of-two chunks, each
/// a <see cref="BuddyHeap"/> of its own; allocation tries the regions in the order they were added (so the
/// first region is preferred), free and reallocation find the block's region by address.
/// Like the heaps, the set is a handle on state in caller storage. O(regions) on top of each heap's cost.
/// </summary>
public unsafe struct BuddyHeapSet : IHeapAllocator
{
    /// <summary>The smallest chunk <see cref="AddRange"/> makes into a heap.</summary>
    public const nuint MinChunk = 4096;

    private struct SetState
    {
        public int Count;
        public int Capacity;
        public nuint PeakRequested;
        public nuint PeakHeld;
        public ulong Allocations, Frees, Reallocations;
    }

    private SetState* _s;

    private readonly BuddyHeap* Regions => (BuddyHeap*)((byte*)_s + Bits.Round16((nuint)sizeof(SetState)));

    /// <summary>The storage a set of up to <paramref name="capacity"/> regions needs for its table.</summary>
    public static nuint MetadataBytes(int capacity)
        => capacity <= 0 ? 0 : Bits.Round16((nuint)sizeof(SetState)) + (nuint)capacity * (nuint)sizeof(BuddyHeap);

    /// <summary>Creates an empty set whose region table lives in <paramref name="storage"/>.</summary>
    public static HeapStatus TryCreate(byte* storage, nuint storageBytes, int capacity, out BuddyHeapSet set)
    {
        set = default;
        if (storage == null || ((nuint)storage & 15) != 0 || capacity <= 0) return HeapStatus.InvalidConfiguration;
        if (storageBytes < MetadataBytes(capacity)) return HeapStatus.MetadataTooSmall;
        HeapConstants.ClearBytes(storage, MetadataBytes(capacity));
        set._s = (SetState*)storage;
        set._s->Capacity = capacity;
        return HeapStatus.Ok;
    }

    /// <summary>The number of regions.</summary>
    public readonly int Count => _s->Count;

    /// <summary>The heap of region <paramref name="index"/>.</summary>
    public readonly BuddyHeap Region(int index) => Regions[index];

    /// <summary>Adds a heap that is already built. Fails when the table is full or it overlaps a region.</summary>
    public HeapStatus AddHeap(BuddyHeap heap)
    {
        if (!heap.IsCreated) return HeapStatus.InvalidConfiguration;
        if (_s->Count == _s->Capacity) return HeapStatus.RegionTableFull;
        for (int i = 0; i < _s->Count; i++)
        {
            BuddyHeap r = Regions[i];
            if (heap.RegionStart < r.RegionStart + r.RegionSize && r.RegionStart < heap.RegionStart + heap.RegionSize)
                return HeapStatus.InvalidConfiguration;
        }
        Regions[_s->Count++] = heap;
        return HeapStatus.Ok;
    }

    /// <summary>
    /// The metadata bytes <see cref="AddRange"/> needs for [start, start + length): the sum over the chunks it will cut,
    /// each a <see cref="BuddyHeap"/> with 16-byte minimum blocks; 0 when no chunk fits or one cannot be such a heap.
    /// </summary>
    public static nuint MetadataBytesForRange(byte* start, nuint length)
    {
        nuint total = 0;
        for (nuint at = FirstChunk(start, length, out nuint end), size; at < end; at += size)
        {
            size = ChunkAt(at, end);
            nuint bytes = BuddyHeap.MetadataBytes(size, BuddyHeap.OrdersFor(size));
            if (bytes == 0) return 0;
            total += bytes;
        }
        return total;
    }

    /// <summary>
    /// Cuts [start, start + length) into the largest naturally aligned power-of-two chunks (at least
    /// <see cref="MinChunk"/>; the unaligned ends are left out) and adds each as a heap with 16-byte minimum blocks, its
    /// metadata carved from <paramref name="metadata"/> (<see cref="MetadataBytesForRange"/> bytes). Adds nothing unless
    /// every chunk fits in the table, the range overlaps no region and every heap was created: the first status that
    /// is not Ok is returned, the table as it was.
    /// </summary>
    public HeapStatus AddRange(byte* start, nuint length, byte* metadata, nuint metadataBytes, out int added)
    {
        added = 0;
        nuint needed = MetadataBytesForRange(start, length);
        if (needed == 0 || metadata == null || ((nuint)metadata & 15) != 0) return HeapStatus.InvalidConfiguration;
        if (metadataBytes < needed) return HeapStatus.MetadataTooSmall;
        int chunks = 0;
        for (nuint at = FirstChunk(start, length, out nuint end); at < end; at += ChunkAt(at, end)) chunks++;
        if (_s->Count + chunks > _s->Capacity) return HeapStatus.RegionTableFull;
        for (int i = 0; i < _s->Count; i++)
        {
            BuddyHeap r = Regions[i];
            if (start < r.RegionStart + r.RegionSize && r.RegionStart < start + length) return HeapStatus.InvalidConfiguration;
        }
        if (metadata < start + length && start < metadata + needed) return HeapStatus.InvalidConfiguration;

        // Built past the table's count, which moves only once every heap exists.
        int made = 0;
        for (nuint at = FirstChunk(start, length, out nuint end), size; at < end; at += size)
        {
            size = ChunkAt(at, end);
            int orders = BuddyHeap.OrdersFor(size);
            nuint bytes = BuddyHeap.MetadataBytes(size, orders);
            HeapStatus status = BuddyHeap.TryCreate((byte*)at, size, orders, metadata, bytes, out BuddyHeap heap);
            if (status != HeapStatus.Ok) return status;
            Regions[_s->Count + made++] = heap;
            metadata += bytes;
        }
        _s->Count += made;
        added = made;
        return HeapStatus.Ok;
    }

    /// <summary>Allocates from the first region that can serve the request. Statuses as
    /// <see cref="BuddyHeap.TryAllocate"/>; OutOfMemory when some region could hold the size but none has room.</summary>
    public HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        HeapStatus status = TryAllocateAnywhere(size, alignment, out block);
        if (status != HeapStatus.Ok) return status;
        _s->Allocations++;
        Peaks();
        return HeapStatus.Ok;
    }

    /// <summary>As <see cref="TryAllocate"/>, then zeroes the first <paramref name="size"/> bytes.</summary>
    public HeapStatus TryAllocateZeroed(nuint size, nuint alignment, out byte* block)
    {
        HeapStatus status = TryAllocate(size, alignment, out block);
        if (status == HeapStatus.Ok) HeapConstants.ClearBytes(block, size);
        return status;
    }

    /// <summary>As <see cref="TryAllocate"/>, null on failure.</summary>
    public byte* Allocate(nuint size, nuint alignment)
    {
        TryAllocate(size, alignment, out byte* block);
        return block;
    }

    /// <summary>Frees a block in whichever region holds it; ForeignPointer when none does.</summary>
    public HeapStatus Free(byte* block)
    {
        if (block == null) return HeapStatus.NullPointer;
        int i = Find(block);
        if (i < 0) return HeapStatus.ForeignPointer;
        HeapStatus status = Regions[i].Free(block);
        if (status == HeapStatus.Ok) _s->Frees++;
        return status;
    }

    /// <summary>Resizes within the block's region when it can; otherwise moves it to any region. Every status the
    /// regions give is checked: on any but Ok nothing changed and the old block stays valid.</summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock)
    {
        newBlock = null;
        if (block == null) return HeapStatus.NullPointer;
        int i = Find(block);
        if (i < 0) return HeapStatus.ForeignPointer;
        HeapStatus status = Regions[i].TryReallocate(block, newSize, out newBlock);
        if (status == HeapStatus.OutOfMemory || status == HeapStatus.SizeTooLarge)
        {
            // The block's own region is too full or too small: move it to another one.
            HeapStatus asked = Regions[i].TryGetRequestedSize(block, out nuint oldRequested);
            if (asked != HeapStatus.Ok) return asked;
            HeapStatus moved = TryAllocateAnywhere(newSize, 1, out byte* fresh);
            if (moved != HeapStatus.Ok) return moved == HeapStatus.SizeTooLarge ? status : moved;
            HeapConstants.CopyBytes(fresh, block, oldRequested < newSize ? oldRequested : newSize);
            HeapStatus freed = Regions[i].Free(block);
            if (freed != HeapStatus.Ok)
            {
                Regions[Find(fresh)].Free(fresh);   // undo: the old block stays as it was
                return freed;
            }
            newBlock = fresh;
            status = HeapStatus.Ok;
        }
        if (status == HeapStatus.Ok)
        {
            _s->Reallocations++;
            Peaks();
        }
        return status;
    }

    /// <summary>The usable size of a block in whichever region holds it.</summary>
    public readonly HeapStatus TryGetUsableSize(byte* block, out nuint usableSize)
    {
        usableSize = 0;
        if (block == null) return HeapStatus.NullPointer;
        int i = Find(block);
        return i < 0 ? HeapStatus.ForeignPointer : Regions[i].TryGetUsableSize(block, out usableSize);
    }

    /// <summary>The regions' counters summed; allocation counts and peaks are the set's own.</summary>
    public readonly HeapStatistics GetStatistics()
    {
        HeapStatistics total = default;
        for (int i = 0; i < _s->Count; i++)
        {
            HeapStatistics r = Regions[i].GetStatistics();
            total.TotalBytes += r.TotalBytes;
            total.FreeBytes += r.FreeBytes;
            total.RequestedBytes += r.RequestedBytes;
            total.HeldBytes += r.HeldBytes;
            if (r.LargestFreeBlock > total.LargestFreeBlock) total.LargestFreeBlock = r.LargestFreeBlock;
        }
        total.PeakRequestedBytes = _s->PeakRequested;
        total.PeakHeldBytes = _s->PeakHeld;
        total.Allocations = _s->Allocations;
        total.Frees = _s->Frees;
        total.Reallocations = _s->Reallocations;
        total.InternalFragmentationPpm = HeapStatistics.FragmentationPpm(total.HeldBytes, total.RequestedBytes);
        return total;
    }

    /// <summary>Validates every region; the first violation found, with the region's index.</summary>
    public readonly HeapViolation Validate(out int region)
    {
        for (region = 0; region < _s->Count; region++)
        {
            HeapViolation v = Regions[region].Validate();
            if (!v.IsClean) return v;
        }
        region = -1;
        return default;
    }

    private HeapStatus TryAllocateAnywhere(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        HeapStatus result = HeapStatus.SizeTooLarge;   // with no region at all, nothing fits
        for (int i = 0; i < _s->Count; i++)
        {
            HeapStatus status = Regions[i].TryAllocate(size, alignment, out block);
            if (status == HeapStatus.Ok) return status;
            // Argument errors are the same for every region; "too large here" may fit elsewhere.
            if (status != HeapStatus.SizeTooLarge && status != HeapStatus.AlignmentTooLarge && status != HeapStatus.OutOfMemory)
                return status;
            if (status == HeapStatus.OutOfMemory || result != HeapStatus.OutOfMemory) result = status;
        }
        return result;
    }

    private readonly int Find(byte* block)
    {
        for (int i = 0; i < _s->Count; i++)
        {
            if (Regions[i].Contains(block)) return i;
        }
        return -1;
    }

    private void Peaks()
    {
        nuint requested = 0, held = 0;
        for (int i = 0; i < _s->Count; i++)
        {
            HeapStatistics r = Regions[i].GetStatistics();
            requested += r.RequestedBytes;
            held += r.HeldBytes;
        }
        if (requested > _s->PeakRequested) _s->PeakRequested = requested;
        if (held > _s->PeakHeld) _s->PeakHeld = held;
    }

    private static nuint FirstChunk(byte* start, nuint length, out nuint end)
    {
        nuint first = ((nuint)start + MinChunk - 1) & ~(MinChunk - 1);
        end = ((nuint)start + length) & ~(MinChunk - 1);
        if (first < (nuint)start || end < first) end = first;   // too short, or wraps: no chunks
        return first;
    }

    /// <summary>The largest power of two that is aligned at <paramref name="at"/> and fits before end.</summary>
    private static nuint ChunkAt(nuint at, nuint end)
    {
        nuint alignment = at & (0 - at);
        nuint fits = (nuint)1 << Bits.HighestBit((ulong)(end - at));
        return alignment != 0 && alignment < fits ? alignment : fits;
    }
}
