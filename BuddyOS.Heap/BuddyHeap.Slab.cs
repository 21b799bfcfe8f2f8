using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>One size class of the object cache: its geometry and its slabs.</summary>
internal struct SlabClass
{
    public uint Partial;      // first listed slab: those with both live objects and free slots, and the spare; or BuddyHeap.NoSlab
    public uint Spare;        // the one empty slab kept (listed), so an allocate/free pair does not split and merge
    public uint Size;         // object size in bytes
    public uint Capacity;     // objects per slab
    public ulong Magic;       // floor(2^32 / Size) + 1: slot = (offset in slab * Magic) >> 32, exact below 4 KiB
    public int SlackOrder;    // slack-store width of an object: order 1 (8 bits) for 32-multiples (32-aligned slots), else 0 (4 bits)
    public nuint Slabs;       // slabs of this class, the spare included
    public nuint Live;        // live objects of this class
}

/// <summary>
/// The side table's entry for one slab-sized (4 KiB) stretch of the region, outside the region: zero class
/// for a stretch that is no slab; for a slab, which slots are taken and where it sits on its class's list.
/// </summary>
internal struct SlabPage
{
    public ulong Used0, Used1, Used2, Used3;   // bit i: slot i taken; bits from Capacity on are always set
    public uint Next, Prev;                    // the class's partial list (BuddyHeap.NoSlab ends it)
    public ushort Live;                        // taken slots
    public byte Class;                         // size class + 1; 0: not a slab
    public byte Reserved;
}

// The object cache: sizes up to SlabLimit (at alignments their class honours) come from slabs, 4 KiB buddy
// blocks cut into equal slots; everything else is a buddy block. The bookkeeping is the side table above
// (48 B per 4 KiB of region) and the classes; an object's requested size lives in the buddy's slack store, in
// the nibbles of the minimum blocks the object covers (a slab's own slack entry is never written).
public unsafe partial struct BuddyHeap
{
    /// <summary>The largest size the object cache serves; larger requests are buddy blocks.</summary>
    public const int SlabLimit = 512;

    /// <summary>The number of size classes: 16 to 128 in steps of 16, then four per doubling up to 512.</summary>
    public const int SlabClasses = 16;

    /// <summary>log2 of a slab's size: 4 KiB holds 8 objects of the largest class with no tail.</summary>
    internal const int SlabShift = 12;

    internal const uint NoSlab = uint.MaxValue;

    /// <summary>The largest alignment the cache serves: a slot's slack must fit the 8 bits of slack store it owns.</summary>
    internal const int MaxSlabAlignment = 256;

    /// <summary>The object size of size class <paramref name="index"/> (0 .. SlabClasses - 1).</summary>
    public static int SlabClassSize(int index)
        => index < 8 ? 16 * (index + 1) : (128 << ((index - 8) >> 2)) + (32 << ((index - 8) >> 2)) * (((index - 8) & 3) + 1);

    /// <summary>The class that holds <paramref name="size"/> bytes (1 .. SlabLimit). O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ClassFor(nuint size)
    {
        if (size <= 128) return (int)((size + 15) >> 4) - 1;
        int group = Bits.HighestBit((ulong)(size - 1)) - 7;
        return 8 + 4 * group + (int)((size - 1 - ((nuint)128 << group)) >> (5 + group));
    }

    /// <summary>True when this heap was created with the object cache.</summary>
    public readonly bool HasObjectCache => _s->Slabs != null;

    /// <summary>The slabs and live objects of size class <paramref name="index"/> (zero without the cache). O(1).</summary>
    public readonly void GetSlabClass(int index, out nuint slabs, out nuint liveObjects)
    {
        slabs = liveObjects = 0;
        if (_s->Slabs == null || (uint)index >= SlabClasses) return;
        slabs = _s->Classes[index].Slabs;
        liveObjects = _s->Classes[index].Live;
    }

    /// <summary>Returns the object cache's spare (empty) slabs to the buddy, where they merge; the bytes returned.
    /// Allocation does this by itself before it reports out of memory. O(classes x orders).</summary>
    public nuint TrimObjectCache()
    {
        if (_s->Slabs == null) return 0;
        nuint before = CachedBytes(_s);
        ReleaseSpareSlabs(_s);
        return before - CachedBytes(_s);
    }

    private static void InitializeSlabClasses(BuddyState* s)
    {
        for (int i = 0; i < SlabClasses; i++)
        {
            SlabClass* c = &s->Classes[i];
            c->Partial = c->Spare = NoSlab;
            c->Size = (uint)SlabClassSize(i);
            c->Capacity = (1u << SlabShift) / c->Size;
            c->Magic = (1UL << 32) / c->Size + 1;
            // A class that is not a multiple of 32 is never chosen for an alignment above 16, so its slack is below the
            // 16-byte step; the others may hold a request rounded up for alignment: up to 255 bytes below them.
            c->SlackOrder = c->Size % 32 == 0 ? 1 : 0;
        }
    }

    /// <summary>The class for a request the cache can take (size up to the limit, alignment one of its
    /// classes honours), or -1. O(1) for alignments up to 16, else O(classes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CacheClassFor(nuint size, nuint alignment)
    {
        // Unsigned `x - 1 >= limit` also sends zero to the buddy, which names the error.
        if (size - 1 >= SlabLimit || alignment - 1 >= MaxSlabAlignment || (alignment & (alignment - 1)) != 0) return -1;
        int c = ClassFor(size);
        if (alignment <= 16) return c;
        while (c < SlabClasses && (SlabClassSize(c) & (int)(alignment - 1)) != 0) c++;   // objects sit at multiples of the size
        return c < SlabClasses ? c : -1;
    }

    /// <summary>Takes a slot of class <paramref name="index"/>, making a slab when none has room. O(1) plus a
    /// buddy allocation per new slab.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private HeapStatus AllocateObject(BuddyState* s, int index, nuint size, out byte* block)
    {
        SlabClass* c = &s->Classes[index];
        uint page = c->Partial;
        if (page == NoSlab)
        {
            HeapStatus status = NewPartialSlab(s, c, index, out page);
            if (status != HeapStatus.Ok)
            {
                block = null;
                return status;
            }
        }
        SlabPage* p = &s->Slabs[page];
        ulong* used = &p->Used0;
        int w = 0;
        while (used[w] == ulong.MaxValue) w++;          // a partial slab has a free slot, in one of 4 words
        int bit = Bits.TrailingZeros(~used[w]);
        nuint offset = ((nuint)page << SlabShift) + (nuint)((w << 6) + bit) * c->Size;
#if BUDDYOS_HEAP_DEBUG
        if ((s->Checks & (byte)HeapChecks.Poison) != 0 && !PoisonIntact(s->Base + offset, c->Size))
        {
            if (p->Live == 0) c->Spare = page;          // an empty slab stays listed, as the spare
            block = null;
            return HeapStatus.UseAfterFree;
        }
#endif
        used[w] |= 1UL << bit;
        if (p->Live == 0) c->Spare = NoSlab;            // the spare (the one empty slab listed) is in use again
        if (++p->Live == c->Capacity) UnlinkSlab(s, c, page);
        c->Live++;
        s->Allocations++;
        AddLive(c->Size, RecordSlotRequested(s, c, offset, size));
        block = s->Base + offset;
        return HeapStatus.Ok;
    }

    /// <summary>Lists a new slab for a class whose list is empty: a buddy block (after returning every spare slab
    /// to the buddy, when the buddy is out of memory). A class's spare is always on its list, so an empty list
    /// means it has none.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus NewPartialSlab(BuddyState* s, SlabClass* c, int index, out uint page)
    {
        page = NoSlab;
        int order = SlabShift - s->MinShift;
        HeapStatus status = TakeBlock(s, order, out nuint offset);
        if (status == HeapStatus.OutOfMemory && ReleaseSpareSlabs(s)) status = TakeBlock(s, order, out offset);
        if (status != HeapStatus.Ok) return status;
        page = (uint)(offset >> SlabShift);
        SlabPage* p = &s->Slabs[page];
        ulong* used = &p->Used0;
        for (int w = 0; w < 4; w++) used[w] = PastCapacity(c->Capacity, w);
        p->Live = 0;
        p->Class = (byte)(index + 1);
        c->Slabs++;
#if BUDDYOS_HEAP_DEBUG
        if ((s->Checks & (byte)HeapChecks.Poison) != 0) Poison(s->Base + offset, LinkBytes);   // slots are poisoned whole
#endif
        LinkSlab(s, c, page);
        return HeapStatus.Ok;
    }

    /// <summary>The bits of slot word <paramref name="word"/> that lie past a slab's capacity: always set, never a slot.</summary>
    internal static ulong PastCapacity(uint capacity, int word)
    {
        int first = word << 6;
        return capacity <= first ? ulong.MaxValue : capacity >= first + 64 ? 0 : ulong.MaxValue << (int)(capacity - first);
    }

    /// <summary>Returns every spare (empty) slab to the buddy, where it merges. True when there was one. O(classes + orders each).</summary>
    private static bool ReleaseSpareSlabs(BuddyState* s)
    {
        bool any = false;
        for (int i = 0; i < SlabClasses; i++)
        {
            SlabClass* c = &s->Classes[i];
            if (c->Spare == NoSlab) continue;
            ReturnEmptySlab(s, c, c->Spare);
            c->Spare = NoSlab;
            any = true;
        }
        return any;
    }

    private static void ReturnSlab(BuddyState* s, SlabClass* c, uint page)
    {
        s->Slabs[page].Class = 0;
        c->Slabs--;
        ReturnBlock(s, SlabShift - s->MinShift, (nuint)page << SlabShift);
    }

    /// <summary>Finds the live object <paramref name="offset"/> starts in slab <paramref name="page"/>, or says
    /// why it is none (misaligned, inside an object or the slab's tail, a free slot). O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static HeapStatus LocateObject(BuddyState* s, uint page, nuint offset, out SlabClass* c, out uint slot)
    {
        c = &s->Classes[s->Slabs[page].Class - 1];
        nuint within = offset & (((nuint)1 << SlabShift) - 1);
        slot = (uint)((within * c->Magic) >> 32);
        if ((offset & 15) != 0) return HeapStatus.MisalignedPointer;
        if (slot >= c->Capacity || slot * c->Size != within) return HeapStatus.InteriorPointer;
        ulong* used = &s->Slabs[page].Used0;
        return (used[slot >> 6] & (1UL << (int)(slot & 63))) == 0 ? HeapStatus.DoubleFree : HeapStatus.Ok;
    }

    /// <summary>Frees a slab object: clears its bit, and an emptied slab becomes the spare or goes back to the buddy. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private HeapStatus FreeObject(BuddyState* s, uint page, nuint offset)
    {
        HeapStatus status = LocateObject(s, page, offset, out SlabClass* c, out uint slot);
        if (status != HeapStatus.Ok) return status;
        SlabPage* p = &s->Slabs[page];
        (&p->Used0)[slot >> 6] &= ~(1UL << (int)(slot & 63));
        RemoveLive(c->Size, SlotRequestedOf(s, c, offset));
#if BUDDYOS_HEAP_DEBUG
        if ((s->Checks & (byte)HeapChecks.Poison) != 0) Poison(s->Base + offset, c->Size);
#endif
        s->Frees++;
        c->Live--;
        if (p->Live-- == c->Capacity) LinkSlab(s, c, page);   // it was full: it has room again
        if (p->Live == 0) RetireSlab(s, c, page);
        return HeapStatus.Ok;
    }

    /// <summary>An emptied slab becomes the class's spare where it is on the list (an allocate/free pair on an
    /// empty class then touches no list), or, when the class has one, leaves the list and goes back to the buddy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RetireSlab(BuddyState* s, SlabClass* c, uint page)
    {
        if (c->Spare == NoSlab) c->Spare = page;
        else ReturnEmptySlab(s, c, page);
    }

    /// <summary>An empty slab leaves its class's list and goes back to the buddy, where it merges.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReturnEmptySlab(BuddyState* s, SlabClass* c, uint page)
    {
        UnlinkSlab(s, c, page);
        ReturnSlab(s, c, page);
    }

    /// <summary>Reallocates a slab object: in place within its class, else moved (to a slab or a buddy block).</summary>
    private HeapStatus ReallocateObject(BuddyState* s, uint page, nuint offset, nuint newSize, nuint alignment, out byte* newBlock)
    {
        newBlock = null;
        HeapStatus status = LocateObject(s, page, offset, out SlabClass* c, out _);
        if (status != HeapStatus.Ok) return status;
        status = OrderFor(newSize, alignment, out _);
        if (status != HeapStatus.Ok) return status;
        nuint oldRequested = SlotRequestedOf(s, c, offset);
        byte* block = s->Base + offset;
        // In place when the new size rounds to this slot's class (which the alignment's class choice may skip
        // past: then it stays only if the address honours the alignment) and the slot is aligned enough.
        int fits = CacheClassFor(newSize, alignment);
        if (fits >= 0 && SlabClassSize(fits) == (int)c->Size && ((nuint)block & (alignment - 1)) == 0)
        {
            RemoveLive(c->Size, oldRequested);
            AddLive(c->Size, RecordSlotRequested(s, c, offset, newSize));
            s->Reallocations++;
            newBlock = block;
            return HeapStatus.Ok;
        }
        status = TryAllocate(newSize, alignment, out newBlock);
        if (status != HeapStatus.Ok) return status;
        CopyBytes(newBlock, block, oldRequested < newSize ? oldRequested : newSize);
        FreeObject(s, page, offset);
        s->Allocations--;           // the move is one reallocation, not an allocation and a free
        s->Frees--;
        s->Reallocations++;
        return HeapStatus.Ok;
    }

    // A slot's requested size, in the slack store without its general width switch: a heap with the cache has
    // 16-byte minimum blocks and 4-bit entries (BuddyState.TryCompute), so a slot's entry is the nibble of its first
    // minimum block (offset >> 5, the half offset bit 4 says), or a whole byte for a 32-aligned class.

    /// <summary>Records a slot's requested size; returns what the statistics count for it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint RecordSlotRequested(BuddyState* s, SlabClass* c, nuint offset, nuint size)
    {
        if (!s->ExactRequested) return c->Size;
        byte* at = s->Slack + (offset >> 5);
        uint slack = c->Size - (uint)size;
        if (c->SlackOrder != 0) *at = (byte)slack;
        else if ((offset & 16) != 0) *at = (byte)((*at & 0x0Fu) | (slack << 4));
        else *at = (byte)((*at & 0xF0u) | slack);
        return size;
    }

    /// <summary>A live slot's requested size (its class size without the slack store).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint SlotRequestedOf(BuddyState* s, SlabClass* c, nuint offset)
    {
        if (!s->ExactRequested) return c->Size;
        uint entry = s->Slack[offset >> 5];
        uint slack = c->SlackOrder != 0 ? entry : (offset & 16) != 0 ? entry >> 4 : entry & 0xF;
        return c->Size - slack;
    }

    /// <summary>The slab that holds region offset <paramref name="offset"/> (below the region size), or NoSlab. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SlabAt(BuddyState* s, nuint offset)
    {
        uint page = (uint)(offset >> SlabShift);
        return s->Slabs != null && s->Slabs[page].Class != 0 ? page : NoSlab;
    }

    /// <summary>The slab that holds <paramref name="p"/>, or NoSlab (also for any pointer outside the region). O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SlabOf(BuddyState* s, byte* p)
    {
        nuint offset = (nuint)(p - s->Base);
        return offset < s->Size ? SlabAt(s, offset) : NoSlab;
    }

    private static void LinkSlab(BuddyState* s, SlabClass* c, uint page)
    {
        SlabPage* p = &s->Slabs[page];
        p->Prev = NoSlab;
        p->Next = c->Partial;
        if (c->Partial != NoSlab) s->Slabs[c->Partial].Prev = page;
        c->Partial = page;
    }

    private static void UnlinkSlab(BuddyState* s, SlabClass* c, uint page)
    {
        SlabPage* p = &s->Slabs[page];
        if (p->Prev != NoSlab) s->Slabs[p->Prev].Next = p->Next;
        else c->Partial = p->Next;
        if (p->Next != NoSlab) s->Slabs[p->Next].Prev = p->Prev;
    }

    /// <summary>Bytes in slabs that hold no live object (free slots, tails, spare slabs). O(classes).</summary>
    private static nuint CachedBytes(BuddyState* s)
    {
        if (s->Slabs == null) return 0;
        nuint cached = 0;
        for (int i = 0; i < SlabClasses; i++)
            cached += (s->Classes[i].Slabs << SlabShift) - s->Classes[i].Live * s->Classes[i].Size;
        return cached;
    }

    /// <summary>A buddy block for the cache's own use (a slab): no statistics, the debug checks as for any allocation.</summary>
    private static HeapStatus TakeBlock(BuddyState* s, int order, out nuint offset)
    {
#if BUDDYOS_HEAP_DEBUG
        if (s->Checks != 0)
        {
            offset = 0;
            int from = SmallestNonEmpty(s, order);
            if (from < 0) return HeapStatus.OutOfMemory;
            HeapStatus status = CheckListHead(s, from);
            if (status != HeapStatus.Ok) return status;
            TakeFromLists(s, order, out offset);
            status = CheckTaken(s, order, offset);
            if (status != HeapStatus.Ok) ReleasePoisoned(s, order, offset);
            return status;
        }
#endif
        return TakeFromLists(s, order, out offset) ? HeapStatus.Ok : HeapStatus.OutOfMemory;
    }

    /// <summary>Gives a block taken with <see cref="TakeBlock"/> back, merging it.</summary>
    private static void ReturnBlock(BuddyState* s, int order, nuint offset)
    {
#if BUDDYOS_HEAP_DEBUG
        if (s->Checks != 0)
        {
            PoisonReleased(s, offset, BuddyTree.BlockSize(s->MinShift, order));
            ReleasePoisoned(s, order, offset);
            return;
        }
#endif
        Release(s, order, offset);
    }
}
