namespace BuddyOS.Heap;

/// <summary>
/// A snapshot of an allocator's counters. Integers only, so the kernel can print it without floating point.
/// </summary>
public struct HeapStatistics
{
    /// <summary>Bytes the allocator manages.</summary>
    public nuint TotalBytes;
    /// <summary>Bytes in free blocks (TotalBytes - HeldBytes - CachedBytes for the buddy heap).</summary>
    public nuint FreeBytes;
    /// <summary>Bytes the object cache holds without a live object in them: free slots, slab tails, spare slabs.</summary>
    public nuint CachedBytes;
    /// <summary>Bytes callers asked for, summed over live blocks.</summary>
    public nuint RequestedBytes;
    /// <summary>Bytes actually held by live blocks (each request rounded up to its block).</summary>
    public nuint HeldBytes;
    /// <summary>The highest <see cref="RequestedBytes"/> seen.</summary>
    public nuint PeakRequestedBytes;
    /// <summary>The highest <see cref="HeldBytes"/> seen.</summary>
    public nuint PeakHeldBytes;
    /// <summary>The size of the largest free block: the largest request that can succeed now.</summary>
    public nuint LargestFreeBlock;
    /// <summary>Successful allocations (reallocations not included).</summary>
    public ulong Allocations;
    /// <summary>Successful frees (reallocations not included).</summary>
    public ulong Frees;
    /// <summary>Successful reallocations, in place or moved.</summary>
    public ulong Reallocations;
    /// <summary>Internal fragmentation in parts per million: (held - requested) / held, 0 when nothing is held.</summary>
    public ulong InternalFragmentationPpm;

    /// <summary>Live blocks: allocations not yet freed.</summary>
    public readonly ulong LiveBlocks => Allocations - Frees;

    internal static ulong FragmentationPpm(nuint held, nuint requested)
        => held == 0 ? 0 : (ulong)(held - requested) * 1_000_000UL / (ulong)held;
}
