namespace BuddyOS.Heap;

/// <summary>
/// The debug checks a buddy heap can run on every operation (<see cref="BuddyHeap.SetChecks"/>). They exist only in
/// builds with BUDDYOS_HEAP_DEBUG (the host build and the kernel by default; -p:HeapDebug=false removes them).
/// </summary>
public enum HeapChecks
{
    /// <summary>No checks: one flag test per operation is all they cost.</summary>
    None = 0,
    /// <summary>After each operation, the invariants around the blocks it touched (O(orders)): the allocated
    /// block is neither free nor split and sits under split ancestors; the block a free ends in is free, not
    /// split, linked both ways on its list and has no free unsplit buddy; the list a block is taken from is
    /// well linked at its head; each order's counter agrees with the non-empty mask.</summary>
    Invariants = 1,
    /// <summary>Every free byte holds <see cref="BuddyHeap.PoisonByte"/> (except each free block's 16 link bytes);
    /// allocation checks the block it hands out, so a write into freed memory is reported as
    /// <see cref="HeapStatus.UseAfterFree"/>. O(block size) per operation.</summary>
    Poison = 2,
    /// <summary>Both.</summary>
    All = 3,
}
