namespace BuddyOS.Heap;

/// <summary>
/// One block of a heap as the collector sees it: where it starts, how big it is (its whole power-of-two size, its
/// slot's size class, or a trimmed run's kept size; not the requested size) and whether it is free. Returned by <see cref="BuddyHeap.TryFindBlock"/> and the
/// allocated-block walk.
/// </summary>
public readonly unsafe struct HeapBlock
{
    /// <summary>The block's first byte.</summary>
    public readonly byte* Start;
    /// <summary>The block's size in bytes (<c>MinBlockSize &lt;&lt; Order</c>; for a trimmed run, more: its head
    /// and tail pieces).</summary>
    public readonly nuint Size;
    /// <summary>The block's order (a trimmed run's: its head's); -1 for a slot of a slab (an object of the object
    /// cache), a slab's tail or a run's slack.</summary>
    public readonly int Order;
    /// <summary>True for a free block (on a free list), false for an allocated one.</summary>
    public readonly bool IsFree;

    internal HeapBlock(byte* start, nuint size, int order, bool isFree)
    {
        Start = start;
        Size = size;
        Order = order;
        IsFree = isFree;
    }

    /// <summary>One past the block's last byte.</summary>
    public byte* End => Start + Size;

    /// <summary>True when <paramref name="p"/> lies inside the block.</summary>
    public bool Contains(byte* p) => p >= Start && (nuint)(p - Start) < Size;
}
