namespace BuddyOS.Heap;

/// <summary>
/// What both buddy heaps (<see cref="PureBuddyHeap"/>, the buddy alone, and <see cref="BuddyHeap"/>, the buddy with its
/// object cache and placement) offer beyond <see cref="IHeapAllocator"/>: the shape of the region, the block holding
/// an address and the walk a collector needs, validation and the debug checks. Call it through a generic constrained
/// to this interface so the calls are direct.
/// </summary>
public unsafe interface IBuddyHeap : IHeapAllocator
{
    /// <summary>True once the heap was created.</summary>
    bool IsCreated { get; }
    /// <summary>The first byte of the region.</summary>
    byte* RegionStart { get; }
    /// <summary>The region's size in bytes.</summary>
    nuint RegionSize { get; }
    /// <summary>The number of block sizes of the buddy core.</summary>
    int Orders { get; }
    /// <summary>The smallest block of the buddy core.</summary>
    nuint MinBlockSize { get; }
    /// <summary>The alignment of the region's start.</summary>
    nuint BaseAlignment { get; }
    /// <summary>The bytes of metadata storage the heap uses.</summary>
    nuint MetadataSize { get; }
    /// <summary>The debug checks now on.</summary>
    HeapChecks Checks { get; }
    /// <summary>True when <paramref name="p"/> lies inside the region.</summary>
    bool Contains(byte* p);
    /// <summary>Bytes in a block of <paramref name="order"/>.</summary>
    nuint BlockSize(int order);
    /// <summary>The buddy core's free blocks of <paramref name="order"/>.</summary>
    nuint FreeBlockCount(int order);
    /// <summary>Resizes a block keeping <paramref name="alignment"/> (Rust's realloc).</summary>
    HeapStatus TryReallocate(byte* block, nuint newSize, nuint alignment, out byte* newBlock);
    /// <summary>The size last asked for the block <paramref name="block"/> starts.</summary>
    HeapStatus TryGetRequestedSize(byte* block, out nuint requestedSize);
    /// <summary>The block, free or allocated, holding <paramref name="address"/>; false outside the region.</summary>
    bool TryFindBlock(byte* address, out HeapBlock block);
    /// <summary>True when <paramref name="address"/> lies inside an allocated block, whose start it returns.</summary>
    bool TryFindAllocatedBlock(byte* address, out byte* start);
    /// <summary>The first allocated block at or after region offset <paramref name="cursor"/>, which moves past it;
    /// false at the region's end. What <see cref="HeapWalk{THeap}"/> steps with.</summary>
    bool NextAllocatedBlock(ref nuint cursor, out HeapBlock block);
    /// <summary>Checks every invariant; the first broken one.</summary>
    HeapViolation Validate();
    /// <summary>Turns debug checks on or off.</summary>
    HeapStatus SetChecks(HeapChecks checks);
    /// <summary>Gives idle cached memory back to the buddy core (0 for a heap with no cache); the bytes returned.</summary>
    nuint TrimObjectCache();
}

/// <summary>
/// Every allocated block of a heap, in ascending address order: <c>foreach (HeapBlock b in heap.AllocatedBlocks())</c>.
/// A struct, so a walk allocates nothing. The caller may free the block it was just given (a sweep does): each step
/// finds its block again from the heap's metadata, so a block freed and merged since is stepped over. Allocating
/// during a walk is allowed, but a new block may or may not be visited.
/// </summary>
public unsafe struct HeapWalk<THeap> where THeap : struct, IBuddyHeap
{
    private THeap _heap;
    private nuint _next;
    private HeapBlock _current;

    /// <summary>A walk from the region's start.</summary>
    public HeapWalk(THeap heap)
    {
        _heap = heap;
        _next = 0;
        _current = default;
    }

    /// <summary>The block the last successful <see cref="MoveNext"/> found.</summary>
    public readonly HeapBlock Current => _current;

    /// <summary>Advances to the next allocated block; false at the region's end.</summary>
    public bool MoveNext() => _heap.NextAllocatedBlock(ref _next, out _current);

    /// <summary>Lets <c>foreach</c> take the walk itself.</summary>
    public readonly HeapWalk<THeap> GetEnumerator() => this;

    /// <summary>TryFindAllocatedBlock from TryFindBlock, for every heap: the start of the allocated block holding
    /// <paramref name="address"/>, the question of a conservative root scan.</summary>
    internal static bool FindAllocated(THeap heap, byte* address, out byte* start)
    {
        if (heap.TryFindBlock(address, out HeapBlock block) && !block.IsFree)
        {
            start = block.Start;
            return true;
        }
        start = null;
        return false;
    }
}
