namespace BuddyOS.Heap;

/// <summary>
/// The kernel tutorials' first heap: a pointer that only moves up. Allocation aligns the pointer and
/// advances it; free only counts, and when the count of live blocks reaches zero the whole region is
/// reusable again. It is the speed ceiling for the benchmarks and a kernel build option, so one can see
/// which boot tests need a real free.
/// <para>
/// Like <see cref="BuddyHeap"/> it is a handle on state kept in caller storage. What it cannot do: reuse
/// memory while any block is live, catch a double free while other blocks are live (only a free with no
/// live blocks is refused), tell a block's size (<see cref="TryGetUsableSize"/> is Unsupported, and a
/// moving reallocation copies up to the old block's end as far as the heap can tell: to the next block).
/// </para>
/// </summary>
public unsafe struct BumpHeap : IHeapAllocator
{
    private struct State
    {
        public byte* Base;
        public nuint Size;
        public nuint Next;        // offset of the first unused byte
        public nuint Last;        // offset of the most recent block, which can be resized in place
        public nuint Live;
        public nuint Requested;   // since the last reset: frees cannot subtract what they do not know
        public nuint PeakRequested;
        public nuint PeakHeld;
        public ulong Allocations, Frees, Reallocations;
    }

    private State* _s;

    /// <summary>The bytes of metadata storage a bump heap needs.</summary>
    public static nuint MetadataBytes() => (nuint)sizeof(State);

    /// <summary>Builds an empty bump heap over any non-null region; the metadata must not overlap it.</summary>
    public static HeapStatus TryCreate(byte* region, nuint size, byte* metadata, nuint metadataBytes, out BumpHeap heap)
    {
        heap = default;
        if (region == null || size == 0 || (nuint)region + size - 1 < (nuint)region) return HeapStatus.InvalidConfiguration;
        if (metadata == null || ((nuint)metadata & 7) != 0) return HeapStatus.InvalidConfiguration;
        if (metadataBytes < (nuint)sizeof(State)) return HeapStatus.MetadataTooSmall;
        if (metadata < region + size && region < metadata + sizeof(State)) return HeapStatus.InvalidConfiguration;
        var s = (State*)metadata;
        *s = default;
        s->Base = region;
        s->Size = size;
        heap._s = s;
        return HeapStatus.Ok;
    }

    /// <summary>True once created.</summary>
    public readonly bool IsCreated => _s != null;

    /// <summary>Aligns the pointer and advances it. O(1). Statuses as <see cref="BuddyHeap.TryAllocate"/>.</summary>
    public HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block)
    {
        block = null;
        State* s = _s;
        if (size == 0) return HeapStatus.ZeroSize;
        if (!Bits.IsPowerOfTwo(alignment)) return HeapStatus.AlignmentNotPowerOfTwo;
        if (size > nuint.MaxValue - (alignment - 1)) return HeapStatus.SizeOverflow;
        if (alignment > s->Size) return HeapStatus.AlignmentTooLarge;
        if (size > s->Size) return HeapStatus.SizeTooLarge;
        nuint address = (nuint)s->Base + s->Next;
        nuint aligned = (address + (alignment - 1)) & ~(alignment - 1);
        if (aligned < address) return HeapStatus.OutOfMemory;
        nuint start = aligned - (nuint)s->Base;
        if (start > s->Size || s->Size - start < size) return HeapStatus.OutOfMemory;
        s->Last = start;
        s->Next = start + size;
        s->Live++;
        s->Allocations++;
        s->Requested += size;
        Peaks(s);
        block = s->Base + start;
        return HeapStatus.Ok;
    }

    /// <summary>As <see cref="TryAllocate"/>, then zeroes the block. O(size).</summary>
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

    /// <summary>
    /// Counts a free; the last one resets the heap. O(1). Statuses: NullPointer, ForeignPointer (outside the
    /// handed-out part of the region), DoubleFree (no block is live).
    /// </summary>
    public HeapStatus Free(byte* block)
    {
        State* s = _s;
        HeapStatus status = Check(s, block);
        if (status != HeapStatus.Ok) return status;
        s->Frees++;
        if (--s->Live == 0)
        {
            s->Next = 0;
            s->Last = 0;
            s->Requested = 0;
        }
        return HeapStatus.Ok;
    }

    /// <summary>
    /// Resizes the most recent block in place when it fits; any other block moves to a new one as aligned as
    /// the old address (up to 64 bytes), copying up to the new size or the next block's start, whichever is
    /// smaller. O(1) plus the copy.
    /// </summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock)
    {
        newBlock = null;
        State* s = _s;
        HeapStatus status = Check(s, block);
        if (status != HeapStatus.Ok) return status;
        if (newSize == 0) return HeapStatus.ZeroSize;
        nuint offset = (nuint)(block - s->Base);
        if (offset == s->Last && newSize <= s->Size - offset)
        {
            nuint oldSize = s->Next - offset;
            s->Next = offset + newSize;
            s->Requested = s->Requested - oldSize + newSize;
            s->Reallocations++;
            Peaks(s);
            newBlock = block;
            return HeapStatus.Ok;
        }

        nuint available = s->Next - offset;
        // The heap does not know the alignment the block was asked with; keep the one its address has, up to a
        // cache line (beyond that, as with C's realloc, an over-alignment is not kept).
        nuint alignment = (nuint)block & (0 - (nuint)block);
        status = TryAllocate(newSize, alignment < 64 ? alignment : 64, out newBlock);
        if (status != HeapStatus.Ok) return status;
        HeapConstants.CopyBytes(newBlock, block, available < newSize ? available : newSize);
        s->Live--;                   // the old block is dropped, the new one replaces it
        s->Allocations--;
        s->Reallocations++;
        return HeapStatus.Ok;
    }

    /// <summary>Unsupported: a bump heap keeps no per-block sizes.</summary>
    public readonly HeapStatus TryGetUsableSize(byte* block, out nuint usableSize)
    {
        usableSize = 0;
        return HeapStatus.Unsupported;
    }

    /// <summary>A snapshot of the counters; held bytes are the bump pointer's offset (padding included).</summary>
    public readonly HeapStatistics GetStatistics()
    {
        State* s = _s;
        return new HeapStatistics
        {
            TotalBytes = s->Size,
            FreeBytes = s->Size - s->Next,
            RequestedBytes = s->Requested,
            HeldBytes = s->Next,
            PeakRequestedBytes = s->PeakRequested,
            PeakHeldBytes = s->PeakHeld,
            LargestFreeBlock = s->Size - s->Next,
            Allocations = s->Allocations,
            Frees = s->Frees,
            Reallocations = s->Reallocations,
            InternalFragmentationPpm = HeapStatistics.FragmentationPpm(s->Next, s->Requested),
        };
    }

    private static HeapStatus Check(State* s, byte* block)
    {
        if (block == null) return HeapStatus.NullPointer;
        if (block < s->Base || (nuint)(block - s->Base) >= s->Size) return HeapStatus.ForeignPointer;
        if (s->Live == 0) return HeapStatus.DoubleFree;
        if ((nuint)(block - s->Base) >= s->Next) return HeapStatus.ForeignPointer;   // never handed out
        return HeapStatus.Ok;
    }

    private static void Peaks(State* s)
    {
        if (s->Next > s->PeakHeld) s->PeakHeld = s->Next;
        if (s->Requested > s->PeakRequested) s->PeakRequested = s->Requested;
    }
}
