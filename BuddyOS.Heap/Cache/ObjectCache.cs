using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>One size class: its geometry, its list of slabs with room, and its counters.</summary>
internal struct SlabClass
{
    public uint Partial;      // first listed slab (some slot free, or the spare), or ObjectCacheState.NoSlab
    public uint Spare;        // the one empty slab kept, listed, so an allocate/free pair does not split and merge
    public uint Size;         // object size in bytes
    public uint Capacity;     // objects per slab
    public ulong Magic;       // floor(2^32 / Size) + 1: slot = (offset in slab * Magic) >> 32, exact below 4 KiB
    public uint SlackIsByte;  // 1: the slot's slack takes a byte of the size store (a 32-multiple class), 0: a nibble
    public nuint Slabs;       // slabs of this class, the spare included
    public nuint Live;        // live objects of this class
}

/// <summary>
/// The side table's entry for one slab-sized (4 KiB) stretch of the region, outside the region: class 0 for a stretch
/// that is no slab; for a slab, which slots are free and where it sits on its class's list.
/// </summary>
internal struct SlabPage
{
    public ulong Free0, Free1, Free2, Free3;   // bit i: slot i free (bits from Capacity on are always clear)
    public uint Next, Prev;                    // the class's list (NoSlab ends it)
    public ushort Live;                        // taken slots
    public byte Class;                         // size class + 1; 0: not a slab
    public byte Reserved;
}

/// <summary>The object cache's state: the side table, the classes, the size lookups, and the size store it shares.</summary>
internal unsafe struct ObjectCacheState
{
    public const uint NoSlab = uint.MaxValue;

    /// <summary>log2 of a slab's size: 4 KiB, a block of the core's order 8 (16-byte minimum blocks).</summary>
    public const int SlabShift = 12;

    public SlabPage* Pages;        // one per 4 KiB of region
    public SlabClass* Classes;
    public byte* ClassOf;          // [(size - 1) >> 4]: the class of a size at alignment up to 16
    public byte* AlignedClassOf;   // [(shift - 5) * Count + class]: the class for alignment 2^shift (32 up), 0xFF none
    public byte* Sizes;            // the size store: 4 bits per 16 bytes of region (a slot's slack in its first entry)
    public int Count;
    public int AlignedRows;
}

/// <summary>Where the object cache gets its slabs: 4 KiB, 4 KiB-aligned blocks of the buddy core's order 8.</summary>
internal unsafe interface ISlabSource
{
    /// <summary>A slab's region offset; OutOfMemory, or a debug check's status, with nothing changed.</summary>
    HeapStatus TakeSlab(out nuint offset);

    /// <summary>Gives an empty slab back.</summary>
    void ReturnSlab(nuint offset);
}

/// <summary>
/// The object cache: requests up to the policy's limit (at an alignment a class honours) come from slabs, 4 KiB blocks
/// the source takes from the buddy core, cut into equal slots; a slab with free slots is on its class's list, a full
/// one on none, and an emptied one becomes the class's spare (left listed, so an allocate/free pair on an empty class
/// touches no list) or goes back to the source. Allocation takes the lowest free slot of the first listed slab (one
/// bit scan), free is O(1): the side-table entry of the pointer's 4 KiB says whether it is a slab, the class's
/// reciprocal turns the offset into a slot (no division), and the slot's bit says whether it is live. Nothing is in
/// the region but the objects. Generic over its size classes and its slab source: both are types, fixed at build time.
/// </summary>
internal static unsafe class ObjectCache<TClasses, TSource>
    where TClasses : struct, ISizeClasses
    where TSource : struct, ISlabSource
{
    public const int SlabShift = ObjectCacheState.SlabShift;

    private const uint NoSlab = ObjectCacheState.NoSlab;

    // ---------------------------------------------------------------- creation

    /// <summary>False when the policy breaks the rules <see cref="ISizeClasses"/> states.</summary>
    public static bool PolicyValid()
    {
        TClasses p = default;
        if (p.Count < 1 || p.Count > 64 || p.Limit > 512 || p.SizeOf(p.Count - 1) != p.Limit) return false;
        if (p.MaxAlignment < 16 || p.MaxAlignment > 256 || !Bits.IsPowerOfTwo((nuint)p.MaxAlignment)) return false;
        for (int i = 0, previous = 0; i < p.Count; previous = p.SizeOf(i), i++)
        {
            int size = p.SizeOf(i);
            if (size <= previous || size % 16 != 0 || (size % 32 != 0 && size - previous > 16)) return false;
        }
        return true;
    }

    /// <summary>Reserves the cache's arrays for a region of <paramref name="regionSize"/> bytes (the size store is the
    /// owner's: it shares it).</summary>
    public static void Reserve(ref MetadataCursor cursor, nuint regionSize, out nuint pages, out nuint classes, out nuint classOf,
        out nuint alignedClassOf)
    {
        TClasses p = default;
        pages = cursor.Take((regionSize >> SlabShift) * (nuint)sizeof(SlabPage));
        classes = cursor.Take((nuint)p.Count * (nuint)sizeof(SlabClass));
        classOf = cursor.Take((nuint)(p.Limit >> 4));
        alignedClassOf = cursor.Take((nuint)(AlignedRows() * p.Count));
    }

    private static int AlignedRows() => Bits.HighestBit((ulong)default(TClasses).MaxAlignment) - 4;   // 32 .. MaxAlignment

    /// <summary>An empty cache (storage cleared): the classes' geometry and the size lookups.</summary>
    public static void Initialize(ObjectCacheState* k, byte* metadata, nuint pages, nuint classes, nuint classOf, nuint alignedClassOf,
        byte* sizes)
    {
        TClasses p = default;
        k->Pages = (SlabPage*)(metadata + pages);
        k->Classes = (SlabClass*)(metadata + classes);
        k->ClassOf = metadata + classOf;
        k->AlignedClassOf = metadata + alignedClassOf;
        k->Sizes = sizes;
        k->Count = p.Count;
        k->AlignedRows = AlignedRows();
        for (int i = 0; i < p.Count; i++)
        {
            SlabClass* c = &k->Classes[i];
            c->Partial = c->Spare = NoSlab;
            c->Size = (uint)p.SizeOf(i);
            c->Capacity = (1u << SlabShift) / c->Size;
            c->Magic = (1UL << 32) / c->Size + 1;
            c->SlackIsByte = c->Size % 32 == 0 ? 1u : 0u;
        }
        for (int i = 0, c = 0; i < p.Limit >> 4; i++)
        {
            while (p.SizeOf(c) < (i + 1) << 4) c++;
            k->ClassOf[i] = (byte)c;
        }
        // A slot sits at a multiple of its class size, so alignment 2^shift needs a class that is a multiple of it.
        for (int row = 0; row < k->AlignedRows; row++)
            for (int i = 0; i < p.Count; i++)
            {
                int c = i, alignment = 32 << row;
                while (c < p.Count && p.SizeOf(c) % alignment != 0) c++;
                k->AlignedClassOf[row * p.Count + i] = c < p.Count ? (byte)c : (byte)0xFF;
            }
    }

    // ---------------------------------------------------------------- classes

    /// <summary>The class for a request the cache takes (size 1 .. Limit, a power-of-two alignment up to MaxAlignment
    /// that some class honours), or -1. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ClassFor(ObjectCacheState* k, nuint size, nuint alignment)
    {
        TClasses p = default;
        if (size - 1 >= (nuint)p.Limit || alignment - 1 >= (nuint)p.MaxAlignment || (alignment & (alignment - 1)) != 0) return -1;
        int c = k->ClassOf[(size - 1) >> 4];
        if (alignment <= 16) return c;
        byte aligned = k->AlignedClassOf[(Bits.TrailingZeros((ulong)alignment) - 5) * k->Count + c];
        return aligned == 0xFF ? -1 : aligned;
    }

    // ---------------------------------------------------------------- allocation

    /// <summary>A slot of class <paramref name="index"/> from a slab that has one, its requested size recorded; false
    /// (nothing changed) when the class has no listed slab. O(1): one bit scan. No debug checks: the caller runs this
    /// only with them off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryTakeListed(ObjectCacheState* k, int index, nuint size, out nuint offset)
    {
        SlabClass* c = &k->Classes[index];
        uint page = c->Partial;
        if (page == NoSlab)
        {
            offset = 0;
            return false;
        }
        offset = TakeSlot(k, c, page, size);
        return true;
    }

    /// <summary>Takes the lowest free slot of the listed slab <paramref name="page"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint TakeSlot(ObjectCacheState* k, SlabClass* c, uint page, nuint size)
    {
        SlabPage* p = &k->Pages[page];
        ulong* free = &p->Free0;
        int w = 0;
        while (free[w] == 0) w++;                         // a listed slab has a free slot, in one of 4 words
        ulong bits = free[w];
        free[w] = bits & (bits - 1);
        nuint offset = ((nuint)page << SlabShift) + (nuint)((w << 6) + Bits.TrailingZeros(bits)) * c->Size;
        if (p->Live++ == 0) c->Spare = NoSlab;            // the spare is in use again
        if (p->Live == c->Capacity) Unlist(k, c, page);
        c->Live++;
        RecordRequested(k, c, offset, size);
        return offset;
    }

    /// <summary>
    /// A slot of class <paramref name="index"/>, making a slab when no listed slab has room (the spare slabs go back to
    /// the source and merge first, when the source is out of memory). With poison checks, the slot must still hold the
    /// poison: else UseAfterFree and nothing changed (the slot stays free, a new slab goes back). O(1) plus a slab.
    /// </summary>
    public static HeapStatus Take(ObjectCacheState* k, ref TSource source, int index, nuint size, byte* region, byte checks,
        out nuint offset)
    {
        offset = 0;
        SlabClass* c = &k->Classes[index];
        uint page = c->Partial;
        bool fresh = page == NoSlab;
        if (fresh)
        {
            HeapStatus status = source.TakeSlab(out nuint slab);
            if (status == HeapStatus.OutOfMemory && ReleaseSpares(k, ref source)) status = source.TakeSlab(out slab);
            if (status != HeapStatus.Ok) return status;
            page = (uint)(slab >> SlabShift);
            SlabPage* p = &k->Pages[page];
            ulong* free = &p->Free0;
            for (int w = 0; w < 4; w++) free[w] = SlotBits(c->Capacity, w);
            p->Live = 0;
            p->Class = (byte)(index + 1);
#if BUDDYOS_HEAP_DEBUG
            if ((checks & (byte)HeapChecks.Poison) != 0) BuddyCore.Poison(region + slab, (nuint)1 << SlabShift);
#endif
        }
#if BUDDYOS_HEAP_DEBUG
        else if ((checks & (byte)HeapChecks.Poison) != 0 && !BuddyCore.PoisonIntact(region + FirstFreeSlot(k, c, page), c->Size))
            return HeapStatus.UseAfterFree;
#endif
        if (fresh)
        {
            c->Slabs++;
            List(k, c, page);
        }
        offset = TakeSlot(k, c, page, size);
        return HeapStatus.Ok;
    }

    /// <summary>The offset of the slot TakeSlot would take from the listed slab <paramref name="page"/>.</summary>
    private static nuint FirstFreeSlot(ObjectCacheState* k, SlabClass* c, uint page)
    {
        ulong* free = &k->Pages[page].Free0;
        int w = 0;
        while (free[w] == 0) w++;
        return ((nuint)page << SlabShift) + (nuint)((w << 6) + Bits.TrailingZeros(free[w])) * c->Size;
    }

    /// <summary>The bits of slot word <paramref name="word"/> that are slots of a slab of <paramref name="capacity"/>.</summary>
    public static ulong SlotBits(uint capacity, int word)
    {
        int first = word << 6;
        return capacity <= first ? 0 : capacity >= first + 64 ? ulong.MaxValue : ~(ulong.MaxValue << (int)(capacity - first));
    }

    // ---------------------------------------------------------------- free

    /// <summary>Finds the live slot <paramref name="offset"/> starts in slab <paramref name="p"/>, or says why it is
    /// none: MisalignedPointer, InteriorPointer (inside a slot, or in the slab's tail), DoubleFree (a free slot). O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapStatus Locate(ObjectCacheState* k, SlabPage* p, nuint offset, out SlabClass* c, out uint slot)
    {
        c = &k->Classes[p->Class - 1];
        nuint within = offset & (((nuint)1 << SlabShift) - 1);
        slot = (uint)((within * c->Magic) >> 32);
        if ((offset & 15) != 0) return HeapStatus.MisalignedPointer;
        if (slot >= c->Capacity || slot * c->Size != within) return HeapStatus.InteriorPointer;
        return ((&p->Free0)[slot >> 6] & (1UL << (int)(slot & 63))) != 0 ? HeapStatus.DoubleFree : HeapStatus.Ok;
    }

    /// <summary>Frees the slot at <paramref name="offset"/> in slab <paramref name="p"/>: what it held and what was asked
    /// come back for the statistics. A slab that was full is listed again; an emptied one becomes the spare or goes back
    /// to the source. O(1). Statuses of <see cref="Locate"/>, with nothing changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapStatus Free(ObjectCacheState* k, ref TSource source, SlabPage* p, nuint offset, out nuint held, out nuint requested)
    {
        HeapStatus status = Locate(k, p, offset, out SlabClass* c, out uint slot);
        if (status != HeapStatus.Ok)
        {
            held = requested = 0;
            return status;
        }
        (&p->Free0)[slot >> 6] |= 1UL << (int)(slot & 63);
        held = c->Size;
        requested = RequestedOf(k, c, offset);
        c->Live--;
        uint page = (uint)(offset >> SlabShift);
        if (p->Live-- == c->Capacity) List(k, c, page);   // it was full: it has room again
        if (p->Live == 0) Retire(k, ref source, c, page);
        return HeapStatus.Ok;
    }

    /// <summary>An emptied slab becomes its class's spare where it is on the list, or, when the class has one, leaves
    /// the list and goes back to the source.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Retire(ObjectCacheState* k, ref TSource source, SlabClass* c, uint page)
    {
        if (c->Spare == NoSlab) c->Spare = page;
        else ReturnEmpty(k, ref source, c, page);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReturnEmpty(ObjectCacheState* k, ref TSource source, SlabClass* c, uint page)
    {
        Unlist(k, c, page);
        k->Pages[page].Class = 0;
        c->Slabs--;
        // The size store's entries of the slab go back to zero: outside slabs, the placement reads a nonzero word
        // at a granule as the head of a run.
        HeapConstants.ClearBytes(k->Sizes + ((nuint)page << (SlabShift - 5)), (nuint)1 << (SlabShift - 5));
        source.ReturnSlab((nuint)page << SlabShift);
    }

    /// <summary>Returns every spare slab to the source. True when there was one. O(classes).</summary>
    public static bool ReleaseSpares(ObjectCacheState* k, ref TSource source)
    {
        bool any = false;
        for (int i = 0; i < k->Count; i++)
        {
            SlabClass* c = &k->Classes[i];
            if (c->Spare == NoSlab) continue;
            uint spare = c->Spare;
            c->Spare = NoSlab;
            ReturnEmpty(k, ref source, c, spare);
            any = true;
        }
        return any;
    }

    // ---------------------------------------------------------------- requested sizes
    // A slot's slack (class size - requested) is the size store's entry of its first 16 bytes: a nibble (offset >> 5,
    // the half offset bit 4 says), or the whole byte for a 32-multiple class, whose slots are 32-aligned.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RecordRequested(ObjectCacheState* k, SlabClass* c, nuint offset, nuint size)
    {
        byte* at = k->Sizes + (offset >> 5);
        uint slack = c->Size - (uint)size;
        if (c->SlackIsByte != 0) *at = (byte)slack;
        else if ((offset & 16) != 0) *at = (byte)((*at & 0x0Fu) | (slack << 4));
        else *at = (byte)((*at & 0xF0u) | slack);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint RequestedOf(ObjectCacheState* k, SlabClass* c, nuint offset)
    {
        uint entry = k->Sizes[offset >> 5];
        uint slack = c->SlackIsByte != 0 ? entry : (offset & 16) != 0 ? entry >> 4 : entry & 0xF;
        return c->Size - slack;
    }

    // ---------------------------------------------------------------- lists

    private static void List(ObjectCacheState* k, SlabClass* c, uint page)
    {
        SlabPage* p = &k->Pages[page];
        p->Prev = NoSlab;
        p->Next = c->Partial;
        if (c->Partial != NoSlab) k->Pages[c->Partial].Prev = page;
        c->Partial = page;
    }

    private static void Unlist(ObjectCacheState* k, SlabClass* c, uint page)
    {
        SlabPage* p = &k->Pages[page];
        if (p->Prev != NoSlab) k->Pages[p->Prev].Next = p->Next;
        else c->Partial = p->Next;
        if (p->Next != NoSlab) k->Pages[p->Next].Prev = p->Prev;
    }

    // ---------------------------------------------------------------- queries

    /// <summary>The slab entry of region offset <paramref name="offset"/> (inside the region), or null. O(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SlabPage* SlabAt(ObjectCacheState* k, nuint offset)
    {
        SlabPage* p = &k->Pages[offset >> SlabShift];
        return p->Class != 0 ? p : null;
    }

    /// <summary>Bytes in slabs that hold no live object (free slots, tails, spare slabs). O(classes).</summary>
    public static nuint CachedBytes(ObjectCacheState* k)
    {
        nuint cached = 0;
        for (int i = 0; i < k->Count; i++)
            cached += (k->Classes[i].Slabs << SlabShift) - k->Classes[i].Live * k->Classes[i].Size;
        return cached;
    }

    /// <summary>The slot of slab <paramref name="p"/> that holds <paramref name="offset"/>, or the slab's tail.</summary>
    public static HeapBlock SlotAt(ObjectCacheState* k, SlabPage* p, byte* region, nuint offset)
    {
        SlabClass* c = &k->Classes[p->Class - 1];
        nuint slabStart = offset & ~(((nuint)1 << SlabShift) - 1);
        uint slot = (uint)(((offset - slabStart) * c->Magic) >> 32);
        if (slot >= c->Capacity)
        {
            nuint used = (nuint)c->Capacity * c->Size;
            return new HeapBlock(region + slabStart + used, ((nuint)1 << SlabShift) - used, -1, true);
        }
        bool free = ((&p->Free0)[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
        return new HeapBlock(region + slabStart + slot * c->Size, c->Size, -1, free);
    }

    /// <summary>The first live slot of slab <paramref name="p"/> at or after <paramref name="offset"/>, as a block;
    /// false when there is none up to the slab's end. O(1): 4 words.</summary>
    public static bool NextLiveSlot(ObjectCacheState* k, SlabPage* p, byte* region, nuint offset, out HeapBlock block)
    {
        SlabClass* c = &k->Classes[p->Class - 1];
        nuint slabStart = offset & ~(((nuint)1 << SlabShift) - 1);
        uint slot = (uint)(((offset - slabStart) * c->Magic) >> 32);
        if (slot * c->Size < offset - slabStart) slot++;   // an offset inside a slot: start at the next one
        ulong* free = &p->Free0;
        for (uint w = slot >> 6; (w << 6) < c->Capacity; w++)
        {
            ulong live = ~free[w] & SlotBits(c->Capacity, (int)w);
            if (w == slot >> 6) live &= ulong.MaxValue << (int)(slot & 63);
            if (live != 0)
            {
                nuint at = slabStart + (nuint)((w << 6) + (uint)Bits.TrailingZeros(live)) * c->Size;
                block = new HeapBlock(region + at, c->Size, -1, false);
                return true;
            }
        }
        block = default;
        return false;
    }

    /// <summary>The slabs and live objects of class <paramref name="index"/>.</summary>
    public static void Counts(ObjectCacheState* k, int index, out nuint slabs, out nuint live)
    {
        slabs = k->Classes[index].Slabs;
        live = k->Classes[index].Live;
    }

#if BUDDYOS_HEAP_DEBUG
    /// <summary>Poison turned on: every free slot of every slab (spares too) gets it, whole.</summary>
    public static void PoisonFreeSlots(ObjectCacheState* k, byte* region, nuint regionSize)
    {
        for (nuint page = 0; page < regionSize >> SlabShift; page++)
        {
            SlabPage* p = &k->Pages[page];
            if (p->Class == 0) continue;
            SlabClass* c = &k->Classes[p->Class - 1];
            for (uint slot = 0; slot < c->Capacity; slot++)
                if (((&p->Free0)[slot >> 6] & (1UL << (int)(slot & 63))) != 0)
                    BuddyCore.Poison(region + (page << SlabShift) + slot * c->Size, c->Size);
        }
    }
#endif

    // ---------------------------------------------------------------- validation

    /// <summary>
    /// One slab, found by the owner's walk as an allocated 4 KiB leaf with a side-table entry: its class is real, the bits
    /// past its capacity are clear, its taken slots number its live count, an empty slab is its class's spare, and each
    /// live object's slack is below its size (its bytes are added to the totals).
    /// </summary>
    public static HeapViolation ValidateSlab(ObjectCacheState* k, nuint slabStart, ref nuint held, ref nuint requested, ref nuint live)
    {
        SlabPage* p = &k->Pages[slabStart >> SlabShift];
        int order = -1;
        if (p->Class > k->Count) return HeapViolation.At(ViolationKind.SlabCountMismatch, slabStart, order);
        SlabClass* c = &k->Classes[p->Class - 1];
        ulong* free = &p->Free0;
        nuint taken = 0;
        for (int w = 0; w < 4; w++)
        {
            ulong slots = SlotBits(c->Capacity, w);
            if ((free[w] & ~slots) != 0) return HeapViolation.At(ViolationKind.SlabBitmapMismatch, slabStart, order);
            ulong used = ~free[w] & slots;
            taken += (nuint)Bits.PopCount(used);
            for (; used != 0; used &= used - 1)
            {
                nuint at = slabStart + (nuint)((w << 6) + Bits.TrailingZeros(used)) * c->Size;
                nuint asked = RequestedOf(k, c, at);
                if (asked == 0 || asked > c->Size) return HeapViolation.At(ViolationKind.SlackOutOfRange, at, -1);
                held += c->Size;
                requested += asked;
            }
        }
        if (taken != p->Live || (p->Live == 0) != (c->Spare == (uint)(slabStart >> SlabShift)))
            return HeapViolation.At(ViolationKind.SlabBitmapMismatch, slabStart, order);
        live += taken;
        return default;
    }

    /// <summary>Each class's list is well linked and holds exactly its slabs with room and its spare, its counters
    /// match the slabs found, and no side-table entry marks a slab the walk did not find (<paramref name="slabsFound"/>).</summary>
    public static HeapViolation ValidateClasses(ObjectCacheState* k, nuint regionSize, nuint slabsFound)
    {
        nuint pages = regionSize >> SlabShift, marked = 0;
        for (nuint i = 0; i < pages; i++) marked += k->Pages[i].Class != 0 ? 1u : 0u;
        if (marked != slabsFound) return HeapViolation.At(ViolationKind.SlabCountMismatch, 0, -1);
        for (int i = 0; i < k->Count; i++)
        {
            SlabClass* c = &k->Classes[i];
            nuint slabs = 0, live = 0, listed = 0;
            for (nuint page = 0; page < pages; page++)
            {
                SlabPage* p = &k->Pages[page];
                if (p->Class != i + 1) continue;
                slabs++;
                live += p->Live;
                if (p->Live < c->Capacity) listed++;
            }
            if (c->Slabs != slabs || c->Live != live) return HeapViolation.At(ViolationKind.SlabCountMismatch, 0, i);
            if (c->Spare != NoSlab && (c->Spare >= pages || k->Pages[c->Spare].Class != i + 1 || k->Pages[c->Spare].Live != 0))
                return HeapViolation.At(ViolationKind.SlabListMismatch, 0, i);
            nuint length = 0;
            uint previous = NoSlab;
            for (uint page = c->Partial; page != NoSlab; page = k->Pages[page].Next)
            {
                // Check the entry's place before reading through it: a corrupt link may point anywhere.
                if (page >= pages || ++length > listed) return HeapViolation.At(ViolationKind.SlabListMismatch, (nuint)page << SlabShift, i);
                SlabPage* p = &k->Pages[page];
                if (p->Class != i + 1 || p->Prev != previous || p->Live >= c->Capacity)
                    return HeapViolation.At(ViolationKind.SlabListMismatch, (nuint)page << SlabShift, i);
                previous = page;
            }
            if (length != listed) return HeapViolation.At(ViolationKind.SlabListMismatch, 0, i);
        }
        return default;
    }
}
