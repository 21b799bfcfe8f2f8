namespace BuddyOS.Heap;

/// <summary>
/// What every BuddyOS allocator offers: the buddy heap, the bump heap and a set of buddy regions.
/// Implementations are structs; call them through a generic constrained to this interface so the
/// calls are direct, not virtual.
/// </summary>
public unsafe interface IHeapAllocator
{
    /// <summary>
    /// Allocates at least <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of
    /// two). On any status other than Ok, <paramref name="block"/> is null and nothing changed.
    /// </summary>
    HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block);

    /// <summary>As <see cref="TryAllocate"/>, and the first <paramref name="size"/> bytes read zero.</summary>
    HeapStatus TryAllocateZeroed(nuint size, nuint alignment, out byte* block);

    /// <summary>As <see cref="TryAllocate"/>, returning null on any failure (the runtime's <c>new</c> path).</summary>
    byte* Allocate(nuint size, nuint alignment);

    /// <summary>Returns a block to the heap. No size is needed: the heap knows it.</summary>
    HeapStatus Free(byte* block);

    /// <summary>
    /// Resizes a block, in place when possible, keeping its contents up to the smaller of the two sizes.
    /// On failure the old block is untouched and still valid, and <paramref name="newBlock"/> is null.
    /// </summary>
    HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock);

    /// <summary>The number of bytes the caller may use in an allocated block (at least what it asked for).</summary>
    HeapStatus TryGetUsableSize(byte* block, out nuint usableSize);

    /// <summary>A snapshot of the allocator's counters.</summary>
    HeapStatistics GetStatistics();
}
