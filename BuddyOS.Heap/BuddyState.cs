namespace BuddyOS.Heap;

/// <summary>An intrusive free-list link, stored in the first 16 bytes of every free block.</summary>
internal unsafe struct FreeNode
{
    public FreeNode* Next;
    public FreeNode* Prev;
}

/// <summary>
/// Everything a <see cref="BuddyHeap"/> knows, stored at the start of the caller's metadata storage
/// (never inside the region, so a fresh heap's first block is the region's first byte).
/// The arrays it points to follow it in the same storage; <see cref="BuddyLayout"/> places them.
/// </summary>
internal unsafe struct BuddyState
{
    // Configuration, fixed at creation.
    public byte* Base;
    public nuint Size;
    public nuint BaseAlignment;   // lowest set bit of Base: alignments above it need a placement search
    public nuint NaturalAlignmentLimit;   // min(BaseAlignment, Size): alignments up to it fold into the block size
    public nuint MetadataBytes;
    public int Top;               // the largest order: Orders - 1
    public int MinShift;          // log2 of the minimum block size
    public int SlackShift;        // log2 of the bits of slack storage per minimum block
    public bool ExactRequested;   // the slack store is kept: requested sizes are exact (else = block sizes)
    public bool Trims;            // buddy allocations keep only their request rounded to a granule (BuddyHeap.Trim.cs)
    public byte Checks;           // HeapChecks: debug checks this heap runs (BUDDYOS_HEAP_DEBUG builds only)

    // Free blocks: one circular doubly linked list per order, with its sentinel in Lists[order].
    public FreeNode* Lists;
    public nuint* FreeCounts;
    public ulong NonEmpty;        // bit k set when list k has a block: allocation finds its order in O(1)

    // Per-node bitmaps over the implicit binary tree of blocks (see BuddyHeap.Node).
    public ulong* Split;          // node (order >= 1) is split into two children
    public ulong* Free;           // node is a free block, on its order's list
    public byte* Slack;           // per allocated block: block size minus requested size

    // The object cache (null without it): the side table, one entry per slab-sized stretch, and the classes.
    public SlabPage* Slabs;
    public SlabClass* Classes;

    // Statistics.
    public nuint Requested;
    public nuint Held;
    public nuint PeakRequested;
    public nuint PeakHeld;
    public ulong Allocations;
    public ulong Frees;
    public ulong Reallocations;
}

/// <summary>
/// Where each part of a buddy heap's metadata lives in the caller's storage, and how many bytes it takes.
/// For 4 MiB and 19 orders (262,144 minimum blocks of 16 bytes): the split bitmap takes 32 KiB (one bit per
/// block that can split), the free bitmap 64 KiB (one bit per block of every order), the slack store 128 KiB
/// (4 bits per minimum block, enough to record the exact requested size of every live block), plus the
/// header, the 19 list sentinels and counters. The object cache adds its side table (48 B per 4 KiB of region:
/// 48 KiB for 4 MiB) and its 16 classes.
/// </summary>
internal unsafe struct BuddyLayout
{
    public nuint ListsOffset, CountsOffset, SplitOffset, FreeOffset, SlackOffset, ClassesOffset, SlabsOffset, Total;
    public int SlackShift;

    public static bool TryCompute(nuint size, int orders, bool objectCache, out BuddyLayout layout)
    {
        layout = default;
        if (orders < 1 || orders > BuddyHeap.MaxOrders || !Bits.IsPowerOfTwo(size)) return false;
        if (orders > BuddyHeap.OrdersFor(size)) return false;   // a free block must hold a FreeNode
        int top = orders - 1;
        int minShift = BuddyTree.MinShiftFor(size, orders);

        // Slots of w >= minShift bits per minimum block: a block of order k owns 2^k slots, and
        // w * 2^k >= minShift + k bits always hold its slack (which is below its size, 2^(minShift + k)).
        int slackShift = minShift <= 4 ? 2 : minShift <= 8 ? 3 : minShift <= 16 ? 4 : minShift <= 32 ? 5 : 6;
        nuint leaves = (nuint)1 << top;

        nuint at = Bits.Round16((nuint)sizeof(BuddyState));
        layout.ListsOffset = at; at += Bits.Round16((nuint)orders * (nuint)sizeof(FreeNode));
        layout.CountsOffset = at; at += Bits.Round16((nuint)orders * (nuint)sizeof(nuint));
        layout.SplitOffset = at; at += BitmapBytes(leaves);          // node indices of orders >= 1 are < 2^top
        layout.FreeOffset = at; at += BitmapBytes(leaves << 1);       // node indices of all orders are < 2^(top+1)
        layout.SlackOffset = at; at += Bits.Round16((leaves << slackShift) / 8 > 8 ? (leaves << slackShift) / 8 : 8);
        if (objectCache)
        {
            // Slots are 16-byte multiples with their slack in the 4-bit slack entries, and a slab is a block.
            if (minShift != BuddyHeap.MinBlockShift || top < BuddyHeap.SlabShift - minShift) return false;
            layout.ClassesOffset = at; at += Bits.Round16((nuint)BuddyHeap.SlabClasses * (nuint)sizeof(SlabClass));
            layout.SlabsOffset = at; at += Bits.Round16((size >> BuddyHeap.SlabShift) * (nuint)sizeof(SlabPage));
        }
        layout.Total = at;
        layout.SlackShift = slackShift;
        return true;
    }

    private static nuint BitmapBytes(nuint bits) => Bits.Round16(((bits + 63) / 64) * 8);
}
