namespace BuddyOS.TestSupport.Allocators;

/// <summary>
/// The one shape every measured allocator is driven through, so each workload is written once.
/// Implementations are structs and workloads are generic methods constrained to this interface, so the
/// JIT specialises each workload per allocator and the calls are direct (no interface dispatch).
/// Free and Reallocate take the size and alignment the block was requested with, as Rust's GlobalAlloc
/// does; allocators that do not need them (BuddyOS.Heap) ignore them.
/// </summary>
public unsafe interface IBenchAllocator
{
    /// <summary>Short name used in tables and charts.</summary>
    string Name { get; }

    /// <summary>True for an allocator that only reclaims memory once every block is freed (the bump heap).</summary>
    bool ReclaimsOnlyWhenEmpty { get; }

    /// <summary>A block of at least <paramref name="size"/> bytes aligned to <paramref name="align"/>, or null.</summary>
    byte* Alloc(nuint size, nuint align);

    /// <summary>Returns a block; false when the allocator reports an error.</summary>
    bool Free(byte* block, nuint size, nuint align);

    /// <summary>Resizes a block keeping its contents; null on failure, with the old block still valid.</summary>
    byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align);

    /// <summary>Starts over with an empty heap on the same region. Every block must have been freed.</summary>
    void Reset();

    /// <summary>Checks the allocator's own invariants; null when they hold, else a description.</summary>
    string? Validate();

    /// <summary>
    /// After every block is freed: null when the heap is whole again (one free block spanning the region),
    /// else a description. Allocators that cannot tell return null.
    /// </summary>
    string? CheckEmpty();
}
