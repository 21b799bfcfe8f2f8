namespace BuddyOS.Heap;

/// <summary>Which invariant a heap broke, as found by <see cref="BuddyHeap.Validate"/>.</summary>
public enum ViolationKind
{
    /// <summary>Every invariant holds.</summary>
    None = 0,
    /// <summary>A free list's links are inconsistent (a node's Prev is not the node before it) or it loops.</summary>
    ListLinkBroken,
    /// <summary>A free-list node lies outside the region or off its order's block boundary.</summary>
    ListNodeOutOfPlace,
    /// <summary>A free-list node's free bit is clear: the list and the bitmap disagree.</summary>
    ListNodeNotMarkedFree,
    /// <summary>A list's length differs from its counter, or the non-empty mask disagrees with it.</summary>
    ListCountMismatch,
    /// <summary>A split node also has its free bit set.</summary>
    SplitNodeMarkedFree,
    /// <summary>Two free buddies coexist at the same order (they should have merged).</summary>
    UnmergedBuddies,
    /// <summary>The number of free blocks found in the tree at an order differs from its list's counter.</summary>
    FreeCountMismatch,
    /// <summary>A split or free bit is set on a node that does not exist (below a leaf): overlap.</summary>
    StrayBits,
    /// <summary>A live block's recorded slack is not below its size.</summary>
    SlackOutOfRange,
    /// <summary>The held bytes found in the tree differ from the counter.</summary>
    HeldBytesMismatch,
    /// <summary>The requested bytes found in the tree differ from the counter.</summary>
    RequestedBytesMismatch,
    /// <summary>Free bytes plus held bytes is not the region size.</summary>
    AccountingMismatch,
    /// <summary>A peak is below its current value, or frees exceed allocations.</summary>
    CounterMismatch,
    /// <summary>A slab's slot bits disagree with its live count, a bit past its capacity is clear, or an empty slab is
    /// not its class's spare.</summary>
    SlabBitmapMismatch,
    /// <summary>A class's partial list is badly linked, or holds a slab that is full, empty or of another class, or misses
    /// one; or its spare is no slab of the class.</summary>
    SlabListMismatch,
    /// <summary>A class's slab or object counter differs from the slabs found, or the side table marks a slab where the
    /// buddy has none.</summary>
    SlabCountMismatch,
    /// <summary>A run's leaves do not cover exactly its request rounded to the granule (one missing, free, a slab, or
    /// past it), an allocated leaf belongs to no run, or a size-store word outside slabs is set where no run starts.</summary>
    TrimmedRunBroken,
    /// <summary>A free stretch's tag (its length, at its start) disagrees with the free blocks the tree holds there.</summary>
    StretchTagBroken,
    /// <summary>The placement's bins do not hold exactly the free stretches: one missing, listed twice or in the wrong
    /// bin, a link broken, or the bitmap of non-empty bins wrong.</summary>
    StretchBinMismatch,
}

/// <summary>The first broken invariant found: what, and where (region offset and order of the block).</summary>
public struct HeapViolation
{
    /// <summary>What is wrong; <see cref="ViolationKind.None"/> when nothing is.</summary>
    public ViolationKind Kind;
    /// <summary>The region offset of the block concerned (0 for heap-wide counters).</summary>
    public nuint Offset;
    /// <summary>The order concerned, or -1 for heap-wide counters.</summary>
    public int Order;

    /// <summary>True when no invariant is broken.</summary>
    public readonly bool IsClean => Kind == ViolationKind.None;

    internal static HeapViolation At(ViolationKind kind, nuint offset, int order)
        => new HeapViolation { Kind = kind, Offset = offset, Order = order };
}

/// <summary>Names of <see cref="ViolationKind"/> values, as string literals so the kernel can print them.</summary>
public static class ViolationNames
{
    /// <summary>The violation's name, e.g. "UnmergedBuddies".</summary>
    public static string Name(ViolationKind kind) => kind switch
    {
        ViolationKind.None => "None",
        ViolationKind.ListLinkBroken => "ListLinkBroken",
        ViolationKind.ListNodeOutOfPlace => "ListNodeOutOfPlace",
        ViolationKind.ListNodeNotMarkedFree => "ListNodeNotMarkedFree",
        ViolationKind.ListCountMismatch => "ListCountMismatch",
        ViolationKind.SplitNodeMarkedFree => "SplitNodeMarkedFree",
        ViolationKind.UnmergedBuddies => "UnmergedBuddies",
        ViolationKind.FreeCountMismatch => "FreeCountMismatch",
        ViolationKind.StrayBits => "StrayBits",
        ViolationKind.SlackOutOfRange => "SlackOutOfRange",
        ViolationKind.HeldBytesMismatch => "HeldBytesMismatch",
        ViolationKind.RequestedBytesMismatch => "RequestedBytesMismatch",
        ViolationKind.AccountingMismatch => "AccountingMismatch",
        ViolationKind.CounterMismatch => "CounterMismatch",
        ViolationKind.SlabBitmapMismatch => "SlabBitmapMismatch",
        ViolationKind.SlabListMismatch => "SlabListMismatch",
        ViolationKind.SlabCountMismatch => "SlabCountMismatch",
        ViolationKind.TrimmedRunBroken => "TrimmedRunBroken",
        ViolationKind.StretchTagBroken => "StretchTagBroken",
        ViolationKind.StretchBinMismatch => "StretchBinMismatch",
        _ => "UnknownViolation",
    };
}
