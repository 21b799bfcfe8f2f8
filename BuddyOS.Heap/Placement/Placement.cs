using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>The placement layer's state: the bins of free stretches and the size store it keeps run heads in.</summary>
internal unsafe struct PlacementState
{
    public nuint* BinHeads;   // per bin: the region offset of its first stretch, or Placement.None
    public ulong* BinMap;     // bit b: bin b holds a stretch
    public int Bins;
    public int BinWords;
    public byte* Sizes;       // the shared size store: a run's requested size in its head granule's 64-bit word
}

/// <summary>A free stretch's tag, in the free memory itself: its last 24 bytes (past every free block's list links).</summary>
internal struct StretchTag
{
    public nuint Next;     // the end of the next stretch in the same bin, or Placement.None
    public nuint Prev;
    public nuint Length;   // bytes
}

/// <summary>
/// Placement of blocks that are not powers of two: runs. A run keeps its request rounded up to a 256-byte granule
/// (a 5000 B request holds 5120 B, where a power-of-two block would hold 8192 B) and is made of ordinary allocated
/// leaves of the buddy core (ClaimRange cuts them from the free blocks), so every byte still comes from the buddy's
/// orders and every free byte is on its free lists.
/// <para>
/// The free memory is seen as stretches: maximal rows of adjacent free blocks of any orders, each at least a granule
/// (every block a heap with placement hands out is granule-aligned and a granule multiple). Each stretch carries a
/// tag in its own last bytes (its length and bin links; no free block's list links lie there) and sits in one of the
/// bins indexed by its length: exact bins of one granule below 16 KiB, then sixteen per doubling. A non-empty bin is a
/// bit in a bitmap, so finding the smallest bin that holds a request is a few bit scans (talc's idea), not a search:
/// a good fit in O(1). A run is cut from the start of the stretch chosen, so the rest keeps the tag: its length
/// shrinks, and it changes bin only when the new length falls below its bin. Freeing a run releases its leaves (the
/// buddy merges them) and joins the stretches on either side: the core's bitmaps say whether a neighbour is free,
/// the tag just before the run says where the stretch before starts, and the stretch after ends where a walk of the
/// bitmaps (a step per free block, no memory of the region touched) leaves its free blocks.
/// </para>
/// <para>
/// A run is known by its head: the size store's 64-bit word of its first granule holds its requested size; every
/// other word outside slabs is zero (a freed run clears its head, an emptied slab its entries). So a free needs no
/// size, and a pointer to a run's inside or a freed run is told apart from a head in O(1).
/// </para>
/// </summary>
internal static unsafe partial class Placement
{
    /// <summary>A run's granule: its request is rounded up to it; every stretch boundary lies on it.</summary>
    public const int Granule = 256;
    public const int GranuleShift = 8;

    /// <summary>No stretch: the end of a bin's list (1 is no granule multiple, so never a stretch's start).</summary>
    public const nuint None = 1;

    /// <summary>The bins below this one hold stretches of exactly bin + 1 granules (up to 63: 16 KiB - 256).</summary>
    private const int ExactBins = 63;

    /// <summary>Above the exact bins, each doubling of length is cut into this many bins (lengths a sixteenth apart).</summary>
    private const int SubBinShift = 4, SubBins = 1 << SubBinShift;


    // ---------------------------------------------------------------- creation

    /// <summary>The bins a region of <paramref name="regionSize"/> bytes needs.</summary>
    private static int BinsFor(nuint regionSize) => BinOf(regionSize >> GranuleShift) + 1;

    public static void Reserve(ref MetadataCursor cursor, nuint regionSize, out nuint heads, out nuint map)
    {
        int bins = BinsFor(regionSize);
        heads = cursor.Take((nuint)bins * (nuint)sizeof(nuint));
        map = cursor.Take((nuint)((bins + 63) / 64) * 8);
    }

    /// <summary>An empty placement over the core's region (one free stretch: the whole region).</summary>
    public static void Initialize(PlacementState* p, BuddyCoreState* c, byte* metadata, nuint heads, nuint map, byte* sizes)
    {
        p->BinHeads = (nuint*)(metadata + heads);
        p->BinMap = (ulong*)(metadata + map);
        p->Bins = BinsFor(c->Size);
        p->BinWords = (p->Bins + 63) / 64;
        p->Sizes = sizes;
        for (int b = 0; b < p->Bins; b++) p->BinHeads[b] = None;
        AddStretch(p, c, 0, c->Size);
    }

    // ---------------------------------------------------------------- bins

    /// <summary>The bin of a stretch of <paramref name="granules"/> granules: granules - 1 below 64, then sixteen bins
    /// per doubling (the top five bits of the length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BinOf(nuint granules)
    {
        if (granules <= ExactBins) return (int)granules - 1;
        int e = Bits.HighestBit((ulong)granules);
        return ExactBins + ((e - 6) << SubBinShift) + (int)((granules >> (e - SubBinShift)) & (SubBins - 1));
    }

    /// <summary>The fewest granules a stretch of bin <paramref name="bin"/> has.</summary>
    public static nuint BinFloor(int bin)
    {
        if (bin < ExactBins) return (nuint)bin + 1;
        int e = 6 + ((bin - ExactBins) >> SubBinShift);
        return (nuint)(SubBins + ((bin - ExactBins) & (SubBins - 1))) << (e - SubBinShift);
    }

    /// <summary>The first non-empty bin from <paramref name="bin"/> up, or -1. A bit scan per bitmap word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NonEmptyFrom(PlacementState* p, int bin)
    {
        if (bin >= p->Bins) return -1;
        int w = bin >> 6;
        ulong bits = p->BinMap[w] & (ulong.MaxValue << (bin & 63));
        while (bits == 0)
        {
            if (++w >= p->BinWords) return -1;
            bits = p->BinMap[w];
        }
        return (w << 6) + Bits.TrailingZeros(bits);
    }

    /// <summary>The tag of the stretch that ends at <paramref name="end"/>: its last bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static StretchTag* Tag(BuddyCoreState* c, nuint end) => (StretchTag*)(c->Base + end - (nuint)sizeof(StretchTag));

    /// <summary>Makes [start, end), free blocks with no free neighbour, a stretch: its tag and its bin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddStretch(PlacementState* p, BuddyCoreState* c, nuint start, nuint end)
    {
        Tag(c, end)->Length = end - start;
        Link(p, c, end, BinOf((end - start) >> GranuleShift));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Link(PlacementState* p, BuddyCoreState* c, nuint end, int bin)
    {
        StretchTag* t = Tag(c, end);
        nuint head = p->BinHeads[bin];
        t->Next = head;
        t->Prev = None;
        if (head != None) Tag(c, head)->Prev = end;
        else p->BinMap[bin >> 6] |= 1UL << (bin & 63);
        p->BinHeads[bin] = end;
    }

    /// <summary>Takes the stretch that ends at <paramref name="end"/> out of its bin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RemoveStretch(PlacementState* p, BuddyCoreState* c, nuint end)
    {
        StretchTag* t = Tag(c, end);
        if (t->Next != None) Tag(c, t->Next)->Prev = t->Prev;
        if (t->Prev != None) Tag(c, t->Prev)->Next = t->Next;
        else
        {
            int bin = BinOf(t->Length >> GranuleShift);
            p->BinHeads[bin] = t->Next;
            if (t->Next == None) p->BinMap[bin >> 6] &= ~(1UL << (bin & 63));
        }
    }

    /// <summary>The stretch that ends at <paramref name="end"/> now starts at <paramref name="start"/>: its length
    /// changes, and its bin only when the length leaves the bin's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ResizeStretch(PlacementState* p, BuddyCoreState* c, nuint start, nuint end)
    {
        StretchTag* t = Tag(c, end);
        int bin = BinOf((end - start) >> GranuleShift);
        if (bin != BinOf(t->Length >> GranuleShift))
        {
            RemoveStretch(p, c, end);
            Link(p, c, end, bin);
        }
        t->Length = end - start;
    }

    /// <summary>The start of the stretch that ends at <paramref name="end"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint StartOf(BuddyCoreState* c, nuint end) => end - Tag(c, end)->Length;

    /// <summary>The end of the free blocks that start at the leaf boundary <paramref name="at"/> (<paramref name="at"/>
    /// itself when the leaf there is not free): a step forward per free block, reading the core's bitmaps only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint StretchAfter(BuddyCoreState* c, nuint at)
    {
        while (at < c->Size)
        {
            int k = BuddyCore.LeafStartingAt(c, at, out nuint node);
            if (!BuddyCore.Test(c->Free, node)) break;
            at += BuddyCore.BlockSize(c, k);
        }
        return at;
    }

    /// <summary>The end of the stretch that holds the free offset <paramref name="offset"/>. O(blocks in the stretch),
    /// at most about twice the orders.</summary>
    public static nuint StretchHolding(BuddyCoreState* c, nuint offset)
    {
        int k = BuddyCore.LeafAt(c, offset, out _);
        return StretchAfter(c, (offset & ~(BuddyCore.BlockSize(c, k) - 1)) + BuddyCore.BlockSize(c, k));
    }

    // ---------------------------------------------------------------- runs

    /// <summary>A request rounded up to the granule (at least one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Kept(nuint size) => (size + (Granule - 1)) & ~(nuint)(Granule - 1);

    /// <summary>The word of the size store at granule <paramref name="offset"/>: a run's head (<see cref="Head"/>) at its
    /// first granule, zero at every other granule outside slabs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong* HeadWord(PlacementState* p, nuint offset) => (ulong*)(p->Sizes + (offset >> 5));

    /// <summary>A head word's request sits in its low bits, the run's slack (granules) in its top 16.</summary>
    public const int SlackShift = 48;

    /// <summary>The most slack a run keeps: what its top 16 bits count, in granules.</summary>
    public const nuint MaxSlack = (nuint)0xFFFF << GranuleShift;

    /// <summary>The head word of a run: its request and its slack (a granule multiple up to <see cref="MaxSlack"/>).
    /// Requests are below 2^48: a heap's region is no larger.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Head(nuint requested, nuint slack) => (ulong)requested | ((ulong)(slack >> GranuleShift) << SlackShift);

    /// <summary>The request a head word holds (0: no run starts there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint RequestOf(ulong head) => (nuint)(head & ((1UL << SlackShift) - 1));

    /// <summary>The slack a head word holds, in bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint SlackOf(ulong head) => (nuint)(head >> SlackShift) << GranuleShift;

    /// <summary>
    /// A stretch for <paramref name="kept"/> bytes (a granule multiple), by its end: the first of its exact bin, else the
    /// first of the next non-empty bin above (every stretch there is long enough), else any stretch long enough in its
    /// own bin (a bin above the exact ones holds lengths up to a sixteenth apart). None when no stretch holds it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint FindStretch(PlacementState* p, BuddyCoreState* c, nuint kept)
    {
        int bin = BinOf(kept >> GranuleShift);
        nuint first = p->BinHeads[bin];
        if (first != None && Tag(c, first)->Length >= kept) return first;
        int above = NonEmptyFrom(p, bin + 1);
        if (above >= 0) return p->BinHeads[above];
        return first == None ? None : SearchBin(c, Tag(c, first)->Next, kept);
    }

    /// <summary>The last resort before out of memory: the rest of one bin's list.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nuint SearchBin(BuddyCoreState* c, nuint at, nuint kept)
    {
        for (; at != None; at = Tag(c, at)->Next)
            if (Tag(c, at)->Length >= kept) return at;
        return None;
    }

    /// <summary>
    /// Cuts [<paramref name="from"/>, <paramref name="to"/>) out of the stretch that ends at <paramref name="end"/> and
    /// holds it: the part after it keeps the stretch's tag (shorter), the part before it is a stretch of its own, and
    /// the window becomes allocated leaves of the core. O(leaves in the window + orders).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TakeWindow(PlacementState* p, BuddyCoreState* c, nuint end, nuint from, nuint to)
        => TakeWindow(p, c, end, from, to, 0);

    /// <summary>As the overload without a limit, but a window cut from the stretch's start takes its last block whole
    /// when that block reaches at most <paramref name="slackLimit"/> bytes past <paramref name="to"/>: the window's
    /// slack. Returns where the window ends (<paramref name="to"/> plus the slack).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint TakeWindow(PlacementState* p, BuddyCoreState* c, nuint end, nuint from, nuint to, nuint slackLimit)
    {
        nuint start = StartOf(c, end);
        // The claim writes only free blocks' first bytes, never a tag (a stretch's last 24 bytes): the tags after it.
        to = BuddyCore.ClaimRange(c, from, to, from == start, from == start ? slackLimit : 0);
        if (to < end) ResizeStretch(p, c, to, end);
        else RemoveStretch(p, c, end);
        if (from > start) AddStretch(p, c, start, from);
        return to;
    }

    /// <summary>
    /// Where a run of <paramref name="kept"/> bytes at <paramref name="alignment"/> goes, without taking it: the start of
    /// a stretch from the bins (alignments up to the granule); for larger alignments (up to the region's base, which the
    /// caller checked) the start of the smallest free block that is aligned and holds it alone, else an aligned window
    /// in a stretch long enough to hold one whatever its start; above the base alignment, the lowest window at that
    /// absolute alignment that lies in free blocks. False when none is free. <paramref name="end"/> is the end of the
    /// stretch that holds the window.
    /// </summary>
    public static bool FindWindow(PlacementState* p, BuddyCoreState* c, nuint kept, nuint alignment, nuint baseAlignment,
        out nuint end, out nuint from)
    {
        from = end = None;
        if (alignment <= Granule)
        {
            end = FindStretch(p, c, kept);
            if (end == None) return false;
            from = StartOf(c, end);
            return true;
        }
        if (alignment <= baseAlignment)
        {
            int order = BuddyTree.OrderForBytes(c->MinShift, kept > alignment ? kept : alignment);
            int k = order <= c->Top ? BuddyCore.SmallestNonEmpty(c, order) : -1;
            if (k >= 0)
            {
                from = BuddyCore.FirstFree(c, k);
                end = StretchHolding(c, from);
                return true;
            }
            nuint need = kept + alignment - Granule;
            end = need <= c->Size ? FindStretch(p, c, need) : None;
            if (end == None) return false;
            from = (StartOf(c, end) + alignment - 1) & ~(alignment - 1);
            return true;
        }
        // Above the base alignment: candidates at the wanted absolute alignment, lowest first.
        for (nuint at = (0 - (nuint)c->Base) & (alignment - 1); at + kept <= c->Size; at += alignment)
        {
            if (!RangeFreeFrom(c, at, at + kept)) continue;
            from = at;
            end = StretchHolding(c, at);
            return true;
        }
        return false;
    }

    /// <summary>True when [from, to) lies in free blocks, <paramref name="from"/> anywhere inside the first.</summary>
    private static bool RangeFreeFrom(BuddyCoreState* c, nuint from, nuint to)
    {
        int k = BuddyCore.LeafAt(c, from, out nuint node);
        if (!BuddyCore.Test(c->Free, node)) return false;
        nuint next = (from & ~(BuddyCore.BlockSize(c, k) - 1)) + BuddyCore.BlockSize(c, k);
        return next >= to || BuddyCore.RangeFree(c, next, to);
    }

    /// <summary>
    /// Frees the run of <paramref name="kept"/> bytes at <paramref name="offset"/>: its head word cleared, its leaves
    /// released (the core merges them), and the stretches on either side joined with it into one. O(leaves x orders).
    /// </summary>
    public static void FreeRun(PlacementState* p, BuddyCoreState* c, nuint offset, nuint kept)
    {
        *HeadWord(p, offset) = 0;
        ReleaseWindow(p, c, offset, offset + kept);
    }

    /// <summary>Gives [from, to), allocated leaves, back to the core and makes it one stretch with its free
    /// neighbours: the stretch before it loses its tag (which is now inside the new one), the stretch after it keeps
    /// its own, longer.</summary>
    public static void ReleaseWindow(PlacementState* p, BuddyCoreState* c, nuint from, nuint to)
    {
        nuint start = from;
        if (BuddyCore.FreeBefore(c, from))
        {
            start = StartOf(c, from);
            RemoveStretch(p, c, from);
        }
        nuint end = StretchAfter(c, to);
        ReleaseInto(p, c, from, to, start, end);
    }

    /// <summary>Releases the allocated leaves of [from, to) and makes [start, end), which they lie in, one stretch: the
    /// stretch that ends at <paramref name="end"/> grows, or, when it is <paramref name="to"/> itself, a new one.</summary>
    private static void ReleaseInto(PlacementState* p, BuddyCoreState* c, nuint from, nuint to, nuint start, nuint end)
    {
#if BUDDYOS_HEAP_DEBUG
        if (BuddyCore.Poisoning(c)) ReleasePoisoned(c, from, to, start);
        else
#endif
        BuddyCore.ReleaseInto(c, from, to, start, end);
        if (end > to) ResizeStretch(p, c, start, end);
        else AddStretch(p, c, start, end);
    }

    /// <summary>Grows the run at <paramref name="offset"/> from <paramref name="kept"/> to <paramref name="newKept"/>
    /// bytes in place when the stretch after it holds the difference. Changes nothing otherwise. O(leaves + orders).</summary>
    public static bool TryGrowRun(PlacementState* p, BuddyCoreState* c, nuint offset, nuint kept, nuint newKept)
    {
        nuint end = StretchAfter(c, offset + kept);
        if (end < offset + newKept) return false;
        TakeWindow(p, c, end, offset + kept, offset + newKept);
        return true;
    }

    /// <summary>The end of the stretch right after the run that ends at <paramref name="runEnd"/> (runEnd when none is).</summary>
    public static nuint StretchAfterRun(BuddyCoreState* c, nuint runEnd) => StretchAfter(c, runEnd);

    /// <summary>Shrinks the run at <paramref name="offset"/> from <paramref name="kept"/> to <paramref name="newKept"/>
    /// bytes in place: the leaf the new end cuts is carved, the leaves past it released, and the freed tail joins the
    /// stretch after it. Only bytes past the new end are written. O(leaves x orders).</summary>
    public static void ShrinkRun(PlacementState* p, BuddyCoreState* c, nuint offset, nuint kept, nuint newKept)
    {
        nuint cut = offset + newKept, end = offset + kept;
        nuint at = offset;
        int k;
        while (true)
        {
            k = BuddyCore.LeafStartingAt(c, at, Bits.HighestBit((ulong)(end - at)) - c->MinShift, out _);
            if (at + BuddyCore.BlockSize(c, k) > cut) break;
            at += BuddyCore.BlockSize(c, k);
        }
        nuint stretchEnd = StretchAfter(c, end);
#if BUDDYOS_HEAP_DEBUG
        BuddyCore.PoisonReleased(c, cut, end - cut);
#endif
        if (at < cut)
        {
            BuddyCore.Carve(c, k, at, cut - at);       // the cut leaf keeps its part before the cut
            at += BuddyCore.BlockSize(c, k);
        }
        if (at < end) ReleaseInto(p, c, at, end, cut, stretchEnd);
        else if (stretchEnd > end) ResizeStretch(p, c, cut, stretchEnd);
        else AddStretch(p, c, cut, end);
    }

    /// <summary>The head of the run that holds the allocated, non-slab leaf starting at <paramref name="leafStart"/>:
    /// back over the leaves before it to the first whose granule word is nonzero. O(leaves x orders).</summary>
    public static nuint HeadOf(PlacementState* p, BuddyCoreState* c, nuint leafStart)
    {
        nuint at = leafStart;
        while (*HeadWord(p, at) == 0 && at > 0)
        {
            int k = BuddyCore.LeafEndingAt(c, at, out _);
            at -= BuddyCore.BlockSize(c, k);
        }
        return at;
    }

    // ---------------------------------------------------------------- aligned blocks (slabs)

    /// <summary>
    /// A whole aligned block of <paramref name="order"/> (a slab): the smallest free block that holds it, from the core's
    /// lists, cut out of the stretch that holds it. False when none is free. O(orders).
    /// </summary>
    public static bool FindBlock(BuddyCoreState* c, int order, out nuint end, out nuint from)
    {
        int k = BuddyCore.SmallestNonEmpty(c, order);
        if (k < 0)
        {
            end = from = 0;
            return false;
        }
        from = BuddyCore.FirstFree(c, k);
        end = StretchHolding(c, from);
        return true;
    }
}
