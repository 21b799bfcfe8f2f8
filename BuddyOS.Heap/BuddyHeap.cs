using System.Runtime.CompilerServices;
using Cache = BuddyOS.Heap.ObjectCache<BuddyOS.Heap.KernelSizeClasses, BuddyOS.Heap.PlacementSlabSource>;

namespace BuddyOS.Heap;

/// <summary>The layered heap's state: each layer's own, one after the other, and the counters.</summary>
internal unsafe struct LayeredState
{
    public BuddyCoreState Core;
    public PlacementState Runs;
    public ObjectCacheState Cache;
    public HeapCounters Counters;
    public nuint Slack;            // bytes the runs hold past their kept length (reclaimable, counted as cached)
    public nuint BaseAlignment;
}

/// <summary>The object cache's slab source in the layered heap: aligned 4 KiB windows cut by the placement layer
/// (so its stretches stay whole), which takes them from the buddy core.</summary>
internal unsafe struct PlacementSlabSource : ISlabSource
{
    private readonly PlacementState* _p;
    private readonly BuddyCoreState* _c;

    public PlacementSlabSource(LayeredState* s)
    {
        _p = &s->Runs;
        _c = &s->Core;
    }

    public HeapStatus TakeSlab(out nuint offset)
    {
        BuddyCoreState* c = _c;
        if (!Placement.FindBlock(c, ObjectCacheState.SlabShift - c->MinShift, out nuint end, out offset)) return HeapStatus.OutOfMemory;
#if BUDDYOS_HEAP_DEBUG
        if (c->Checks != 0)
        {
            HeapStatus status = BuddyHeap.CheckedWindow(c, end, offset, offset + ((nuint)1 << ObjectCacheState.SlabShift));
            if (status != HeapStatus.Ok) return status;
        }
#endif
        Placement.TakeWindow(_p, c, end, offset, offset + ((nuint)1 << ObjectCacheState.SlabShift));
        return HeapStatus.Ok;
    }

    public void ReturnSlab(nuint offset) => Placement.ReleaseWindow(_p, _c, offset, offset + ((nuint)1 << ObjectCacheState.SlabShift));
}

/// <summary>
/// The kernel's heap: the buddy core with two layers over it, composed here.
/// <list type="bullet">
/// <item><b>Object cache</b> (Cache/ObjectCache.cs): sizes up to <see cref="SlabLimit"/> at alignments up to 256 come
/// from slabs, 4 KiB blocks of the core cut into slots of one size class (<see cref="KernelSizeClasses"/>, a type
/// parameter): O(1) allocate and free.</item>
/// <item><b>Placement</b> (Placement/Placement.cs): everything else is a run, its request rounded to a 256-byte granule,
/// cut from the start of a free stretch found in bit-scanned bins: a good fit in O(1), no search.</item>
/// <item><b>Buddy core</b> (Buddy/BuddyCore.cs): the 19 free lists, split and merge, the tree. Slabs and runs are its
/// allocated leaves; every free byte is in its free lists, which the boot report and the shell's map show.</item>
/// </list>
/// A handle: one pointer to state in the caller's metadata storage (<see cref="MetadataBytes"/>), so it can sit in a
/// static field before any heap exists; copies are the same heap. Not thread-safe. Every operation either succeeds or
/// returns a status and changes nothing (HeapCorrupted from the debug checks excepted).
/// </summary>
public unsafe partial struct BuddyHeap : IBuddyHeap
{
    /// <summary>The most orders a heap may have.</summary>
    public const int MaxOrders = BuddyCore.MaxOrders;

    /// <summary>The byte every free byte holds while <see cref="HeapChecks.Poison"/> is on.</summary>
    public const byte PoisonByte = HeapConstants.PoisonByte;

    /// <summary>The largest size the object cache serves; larger requests are runs.</summary>
    public const int SlabLimit = 512;

    /// <summary>The number of size classes.</summary>
    public const int SlabClasses = 16;

    /// <summary>The granule of a run: a request above the cache's limit (or over-aligned) keeps its size rounded up to it.</summary>
    public const int TrimGranule = Placement.Granule;

    private LayeredState* _s;

    /// <summary>The orders of a heap of <paramref name="size"/> bytes with 16-byte minimum blocks (4 MiB: 19).</summary>
    public static int OrdersFor(nuint size) => PureBuddyHeap.OrdersFor(size);

    /// <summary>The object size of size class <paramref name="index"/> (0 .. SlabClasses - 1).</summary>
    public static int SlabClassSize(int index) => default(KernelSizeClasses).SizeOf(index);

    // ---------------------------------------------------------------- creation

    private struct Layout
    {
        public nuint Lists, Counts, Split, Free, Sizes, Pages, Classes, ClassOf, AlignedClassOf, BinHeads, BinMap, Total;
    }

    private static bool TryLayout(nuint size, int orders, out Layout layout)
    {
        layout = default;
        // Slots and runs are 16-byte multiples whose sizes sit in 4-bit entries, and a slab is a block of the core.
        if (!BuddyCore.IsValidShape(size, orders) || BuddyTree.MinShiftFor(size, orders) != BuddyCore.MinBlockShift) return false;
        if (size < ((nuint)1 << ObjectCacheState.SlabShift) || !Cache.PolicyValid()) return false;
        if ((ulong)size > 1UL << Placement.SlackShift) return false;   // a run's head word keeps its request in 48 bits
        var cursor = new MetadataCursor();
        cursor.Take((nuint)sizeof(LayeredState));
        BuddyCore.Reserve(ref cursor, orders, out layout.Lists, out layout.Counts, out layout.Split, out layout.Free);
        layout.Sizes = cursor.Take(size >> 5);   // 4 bits per 16 bytes
        Cache.Reserve(ref cursor, size, out layout.Pages, out layout.Classes, out layout.ClassOf, out layout.AlignedClassOf);
        Placement.Reserve(ref cursor, size, out layout.BinHeads, out layout.BinMap);
        layout.Total = cursor.At;
        return true;
    }

    /// <summary>
    /// The bytes of metadata storage a heap of <paramref name="size"/> bytes and <paramref name="orders"/> orders needs
    /// (4 MiB, 19 orders: 281,648, 6.7 % of the region), or 0 when that is not a valid configuration: size not a power
    /// of two of at least 4 KiB (a slab), or a minimum block, <c>size &gt;&gt; (orders - 1)</c>, other than 16 bytes. O(1).
    /// </summary>
    public static nuint MetadataBytes(nuint size, int orders) => TryLayout(size, orders, out Layout layout) ? layout.Total : 0;

    /// <summary>
    /// Builds an empty heap: the whole region is one free block of the largest order and one free stretch.
    /// InvalidConfiguration when the region is null or not 4096-aligned, the configuration is invalid (see
    /// <see cref="MetadataBytes"/>), the metadata is null, not 16-aligned or overlaps the region; MetadataTooSmall when
    /// <paramref name="metadataBytes"/> is below <see cref="MetadataBytes"/>. O(metadata size): it clears it.
    /// </summary>
    public static HeapStatus TryCreate(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes, out BuddyHeap heap)
    {
        heap = default;
        bool valid = TryLayout(size, orders, out Layout layout);
        HeapStatus status = HeapConstants.CheckCreate(region, size, metadata, metadataBytes, valid ? layout.Total : 0);
        if (status != HeapStatus.Ok) return status;

        HeapConstants.ClearBytes(metadata, layout.Total);
        var s = (LayeredState*)metadata;
        BuddyCore.Initialize(&s->Core, region, size, orders, metadata, layout.Lists, layout.Counts, layout.Split, layout.Free);
        Cache.Initialize(&s->Cache, metadata, layout.Pages, layout.Classes, layout.ClassOf, layout.AlignedClassOf, metadata + layout.Sizes);
        Placement.Initialize(&s->Runs, &s->Core, metadata, layout.BinHeads, layout.BinMap, metadata + layout.Sizes);
        s->BaseAlignment = (nuint)region & (0 - (nuint)region);
        heap._s = s;
        return HeapStatus.Ok;
    }

    // ---------------------------------------------------------------- shape

    /// <summary>True once <see cref="TryCreate"/> has succeeded for this handle.</summary>
    public readonly bool IsCreated => _s != null;
    /// <summary>The first byte of the region.</summary>
    public readonly byte* RegionStart => _s->Core.Base;
    /// <summary>The region's size in bytes.</summary>
    public readonly nuint RegionSize => _s->Core.Size;
    /// <summary>The number of block sizes of the buddy core.</summary>
    public readonly int Orders => _s->Core.Top + 1;
    /// <summary>The buddy core's smallest block: 16 bytes.</summary>
    public readonly nuint MinBlockSize => BlockSize(0);
    /// <summary>The bytes of metadata storage this heap uses.</summary>
    public readonly nuint MetadataSize => MetadataBytes(_s->Core.Size, _s->Core.Top + 1);
    /// <summary>The alignment of the region's start: larger alignments are honoured for blocks up to it only.</summary>
    public readonly nuint BaseAlignment => _s->BaseAlignment;
    /// <summary>Bytes in a block of <paramref name="order"/>.</summary>
    public readonly nuint BlockSize(int order) => BuddyCore.BlockSize(&_s->Core, order);
    /// <summary>True when <paramref name="p"/> lies inside the region. O(1).</summary>
    public readonly bool Contains(byte* p) => BuddyCore.Contains(&_s->Core, p);
    /// <summary>The buddy core's free blocks of <paramref name="order"/>. O(1).</summary>
    public readonly nuint FreeBlockCount(int order) => BuddyCore.FreeBlockCount(&_s->Core, order);
    /// <summary>Always true: this heap has its object cache (kept for callers written for either heap).</summary>
    public readonly bool HasObjectCache => true;

    /// <summary>The slabs and live objects of size class <paramref name="index"/>. O(1).</summary>
    public readonly void GetSlabClass(int index, out nuint slabs, out nuint liveObjects)
    {
        slabs = liveObjects = 0;
        if ((uint)index < SlabClasses) Cache.Counts(&_s->Cache, index, out slabs, out liveObjects);
    }

    /// <summary>Returns the object cache's spare (empty) slabs and the runs' slack to the buddy, where they merge; the
    /// bytes returned. Allocation does this by itself before it reports out of memory. O(classes x orders), plus
    /// O(region / 256) when some run holds slack.</summary>
    public nuint TrimObjectCache()
    {
        LayeredState* s = _s;
        nuint before = Cache.CachedBytes(&s->Cache) + s->Slack;
        var source = new PlacementSlabSource(s);
        Cache.ReleaseSpares(&s->Cache, ref source);
        TrimSlack(s);
        return before - Cache.CachedBytes(&s->Cache) - s->Slack;
    }

    /// <summary>Every run's slack goes back: the size store's words are scanned for heads (slabs skipped), and each run
    /// that holds slack shrinks to its kept length. O(region / 256) when any run holds slack, else O(1).</summary>
    private static void TrimSlack(LayeredState* s)
    {
        BuddyCoreState* c = &s->Core;
        for (nuint at = 0; s->Slack != 0 && at < c->Size; )
        {
            if (s->Cache.Pages[at >> ObjectCacheState.SlabShift].Class != 0)
            {
                at += (nuint)1 << ObjectCacheState.SlabShift;
                continue;
            }
            ulong head = *Placement.HeadWord(&s->Runs, at);
            nuint slack = Placement.SlackOf(head);
            if (slack != 0)
            {
                nuint kept = Placement.Kept(Placement.RequestOf(head));
                Placement.ShrinkRun(&s->Runs, c, at, kept + slack, kept);
                *Placement.HeadWord(&s->Runs, at) = Placement.Head(Placement.RequestOf(head), 0);
                s->Slack -= slack;
            }
            at += Placement.Granule;
        }
    }

    // ---------------------------------------------------------------- allocation

    /// <summary>
    /// Allocates <paramref name="size"/> bytes at <paramref name="alignment"/>: a slot of the object cache up to
    /// <see cref="SlabLimit"/> (alignment up to 256), else a run of the placement layer. O(1) either way, plus
    /// O(orders) for a new slab or a run's leaves. Statuses: ZeroSize, AlignmentNotPowerOfTwo, SizeOverflow,
    /// AlignmentTooLarge (above the heap size, or above the region's base alignment for a block larger than it),
    /// SizeTooLarge, OutOfMemory (after the spare slabs went back); with the debug checks UseAfterFree (the memory it
    /// would hand out was written while free) and HeapCorrupted. On each, nothing changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public HeapStatus TryAllocate(nuint size, nuint alignment, out byte* block)
    {
        LayeredState* s = _s;
        // The common case alone, so it inlines into callers: a small object at malloc's alignment, a listed slab.
        if (size - 1 < SlabLimit && alignment - 1 < 16 && (alignment & (alignment - 1)) == 0 && s->Core.Checks == 0)
        {
            int index = s->Cache.ClassOf[(size - 1) >> 4];
            if (Cache.TryTakeListed(&s->Cache, index, size, out nuint offset))
            {
                s->Counters.Allocations++;
                s->Counters.AddLive(s->Cache.Classes[index].Size, size);
                block = s->Core.Base + offset;
                return HeapStatus.Ok;
            }
        }
        return AllocateSlow(size, alignment, out block);
    }

    /// <summary>Everything past the common case: a new slab, an over-aligned slot, a run, a bad request, the checks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus AllocateSlow(nuint size, nuint alignment, out byte* block)
    {
        LayeredState* s = _s;
        block = null;
        int index = Cache.ClassFor(&s->Cache, size, alignment);
        if (index >= 0)
        {
            var source = new PlacementSlabSource(s);
            HeapStatus taken = Cache.Take(&s->Cache, ref source, index, size, s->Core.Base, s->Core.Checks, out nuint slot);
            if (taken == HeapStatus.OutOfMemory && s->Slack != 0)
            {
                TrimSlack(s);
                taken = Cache.Take(&s->Cache, ref source, index, size, s->Core.Base, s->Core.Checks, out slot);
            }
            if (taken != HeapStatus.Ok) return taken;
            s->Counters.Allocations++;
            s->Counters.AddLive(s->Cache.Classes[index].Size, size);
            block = s->Core.Base + slot;
            return HeapStatus.Ok;
        }
        HeapStatus status = BuddyCore.OrderFor(&s->Core, s->BaseAlignment, size, alignment, out _);
        if (status != HeapStatus.Ok) return status;
        status = AllocateRun(size, alignment, out nuint offset);
        if (status == HeapStatus.OutOfMemory && TrimObjectCache() != 0) status = AllocateRun(size, alignment, out offset);   // spares and slack back
        if (status != HeapStatus.Ok) return status;
        s->Counters.Allocations++;
        s->Counters.AddLive(Placement.Kept(size), size);
        block = s->Core.Base + offset;
        return HeapStatus.Ok;
    }

    /// <summary>A run for a valid request (no counters): where the placement finds room, its head word set.</summary>
    private HeapStatus AllocateRun(nuint size, nuint alignment, out nuint offset)
    {
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        nuint kept = Placement.Kept(size);
        if (s->Slack != 0 && !Roomy(c)) TrimSlack(s);
        if (!Placement.FindWindow(&s->Runs, c, kept, alignment, s->BaseAlignment, out nuint end, out offset)) return HeapStatus.OutOfMemory;
#if BUDDYOS_HEAP_DEBUG
        if (c->Checks != 0)
        {
            HeapStatus status = CheckedWindow(c, end, offset, offset + kept);
            if (status != HeapStatus.Ok) return status;
        }
#endif
        nuint slackLimit = alignment <= Placement.Granule && c->Checks == 0 ? SlackLimit(c, kept) : 0;
        nuint slack = Placement.TakeWindow(&s->Runs, c, end, offset, offset + kept, slackLimit) - (offset + kept);
        *Placement.HeadWord(&s->Runs, offset) = Placement.Head(size, slack);
        s->Slack += slack;
        return HeapStatus.Ok;
    }

    /// <summary>
    /// The most slack a new run of <paramref name="kept"/> bytes may keep (at most its kept length, as a power-of-two
    /// block would waste): the rest of the last free block it is cut from, taken whole so that nothing is split off now
    /// nor merged back when the run is freed. Only while the heap has room: fuller, runs are exact, the slack goes back
    /// (a tail left idle there is a hole the best fit would have filled: 1 to 4 points of density on talc's workload).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint SlackLimit(BuddyCoreState* c, nuint kept)
    {
        if (!Roomy(c)) return 0;
        nuint limit = kept >> SlackFractionShift;
        return limit < Placement.MaxSlack ? limit : Placement.MaxSlack;
    }

    /// <summary>The heap has room for slack: a free block of half the region (so at most half of it is in use). Once it
    /// has not, the slack there is goes back at the next run placed or grown out of its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Roomy(BuddyCoreState* c) => (c->NonEmpty >> (c->Top - 1)) != 0;

    /// <summary>A run keeps at most kept / 2^this of slack (0: as much as it keeps; 1, 2 or 3 cost as much density
    /// and win less).</summary>
    private const int SlackFractionShift = 0;

    /// <summary>As <see cref="TryAllocate"/>, then zeroes the first <paramref name="size"/> bytes.</summary>
    public HeapStatus TryAllocateZeroed(nuint size, nuint alignment, out byte* block)
    {
        HeapStatus status = TryAllocate(size, alignment, out block);
        if (status == HeapStatus.Ok) HeapConstants.ClearBytes(block, size);
        return status;
    }

    /// <summary>As <see cref="TryAllocate"/>, returning null on any failure.</summary>
    public byte* Allocate(nuint size, nuint alignment)
    {
        TryAllocate(size, alignment, out byte* block);
        return block;
    }

    // ---------------------------------------------------------------- free

    /// <summary>
    /// Returns a block: a slot goes back to its slab (O(1)), a run's leaves to the core, which merges them, and the run
    /// joins the free stretches around it (O(leaves x orders)). No size is needed. Statuses: NullPointer,
    /// ForeignPointer, MisalignedPointer, InteriorPointer, DoubleFree (and the debug checks' HeapCorrupted); on each,
    /// nothing changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public HeapStatus Free(byte* block)
    {
        LayeredState* s = _s;
        nuint offset = (nuint)(block - s->Core.Base);
        if (offset < s->Core.Size && s->Core.Checks == 0)
        {
            SlabPage* page = &s->Cache.Pages[offset >> ObjectCacheState.SlabShift];
            if (page->Class != 0)
            {
                var source = new PlacementSlabSource(s);
                HeapStatus status = Cache.Free(&s->Cache, ref source, page, offset, out nuint held, out nuint requested);
                if (status == HeapStatus.Ok)
                {
                    s->Counters.RemoveLive(held, requested);
                    s->Counters.Frees++;
                }
                return status;
            }
        }
        return FreeSlow(block);
    }

    /// <summary>Free of a run, of anything with the checks on, and of what is no block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private HeapStatus FreeSlow(byte* block)
    {
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        HeapStatus status = Find(block, out nuint offset, out SlabPage* page, out nuint held, out nuint requested, out nuint slack);
        if (status != HeapStatus.Ok) return status;
        var source = new PlacementSlabSource(s);
        if (page != null)
        {
#if BUDDYOS_HEAP_DEBUG
            if (BuddyCore.Poisoning(c)) BuddyCore.Poison(block, held);
#endif
            Cache.Free(&s->Cache, ref source, page, offset, out _, out _);
        }
        else
        {
#if BUDDYOS_HEAP_DEBUG
            if (c->Checks != 0)
            {
                status = Placement.CheckNeighbours(c, offset, offset + held + slack);
                if (status != HeapStatus.Ok) return status;
            }
#endif
            Placement.FreeRun(&s->Runs, c, offset, held + slack);
            s->Slack -= slack;
        }
        s->Counters.RemoveLive(held, requested);
        s->Counters.Frees++;
        return HeapStatus.Ok;
    }

    /// <summary>
    /// What <paramref name="block"/> starts: a live slot (its slab entry, class size, requested size) or a run (no slab,
    /// its kept length, requested size), or why it is neither. O(1) for both; a bad pointer outside a slab costs a climb
    /// of the core's tree to tell MisalignedPointer, DoubleFree (free memory) and InteriorPointer apart.
    /// </summary>
    private readonly HeapStatus Find(byte* block, out nuint offset, out SlabPage* page, out nuint held, out nuint requested)
        => Find(block, out offset, out page, out held, out requested, out _);

    /// <summary>As the overload without it, and a run's slack: the bytes its leaves hold past its kept length.</summary>
    private readonly HeapStatus Find(byte* block, out nuint offset, out SlabPage* page, out nuint held, out nuint requested, out nuint slack)
    {
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        offset = (nuint)(block - c->Base);
        page = null;
        held = requested = slack = 0;
        if (offset >= c->Size) return block == null ? HeapStatus.NullPointer : HeapStatus.ForeignPointer;
        page = Cache.SlabAt(&s->Cache, offset);
        if (page != null)
        {
            HeapStatus status = Cache.Locate(&s->Cache, page, offset, out SlabClass* k, out _);
            if (status != HeapStatus.Ok) return status;
            held = k->Size;
            requested = Cache.RequestedOf(&s->Cache, k, offset);
            return HeapStatus.Ok;
        }
        ulong head;
        if ((offset & (Placement.Granule - 1)) == 0 && (head = *Placement.HeadWord(&s->Runs, offset)) != 0)
        {
            requested = Placement.RequestOf(head);
            held = Placement.Kept(requested);
            slack = Placement.SlackOf(head);
            return HeapStatus.Ok;
        }
        requested = 0;
        HeapStatus why = BuddyCore.Locate(c, offset, out _);
        return why == HeapStatus.Ok ? HeapStatus.InteriorPointer : why;   // an allocated leaf that starts no run: a run's inside
    }

    // ---------------------------------------------------------------- reallocation

    /// <summary>
    /// Resizes a block. A slot stays in place when the new size has its class; a run grows in place when the stretch
    /// after it holds the difference, else into the stretches on both sides when together they hold it (its contents
    /// move down), and shrinks in place (its tail joins the stretch after it) unless a free hole that fits it is found
    /// away from it (C's realloc may move on a shrink); otherwise the contents (the old requested size, or the new size
    /// if smaller) move to a new block and the old one is freed. A run shrunk below the cache's limit
    /// stays a run. As with C's realloc, an over-alignment asked at allocation is not remembered: a moved block is
    /// aligned to 16 (a slot) or the granule (a run). Statuses: those of <see cref="Free"/> for the pointer, those of
    /// <see cref="TryAllocate"/> for the size; on each, nothing changes and the old block stays valid.
    /// </summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, out byte* newBlock)
        => TryReallocate(block, newSize, 1, out newBlock);

    /// <summary>As <see cref="TryReallocate(byte*, nuint, out byte*)"/>, keeping <paramref name="alignment"/> (Rust's
    /// GlobalAlloc::realloc contract): in place only when the block's address honours it, a move allocates at it.</summary>
    public HeapStatus TryReallocate(byte* block, nuint newSize, nuint alignment, out byte* newBlock)
    {
        newBlock = null;
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        HeapStatus status = Find(block, out nuint offset, out SlabPage* page, out nuint held, out nuint requested, out nuint slack);
        if (status != HeapStatus.Ok) return status;
        status = BuddyCore.OrderFor(c, s->BaseAlignment, newSize, alignment, out _);
        if (status != HeapStatus.Ok) return status;
        bool aligned = ((nuint)block & (alignment - 1)) == 0;
        nuint newHeld;
        if (page != null)
        {
            int index = Cache.ClassFor(&s->Cache, newSize, alignment);
            if (!aligned || index < 0 || s->Cache.Classes[index].Size != held) return Move(block, held, requested, newSize, alignment, out newBlock);
            Cache.RecordRequested(&s->Cache, &s->Cache.Classes[index], offset, newSize);
            newHeld = held;
        }
        else
        {
            newHeld = Placement.Kept(newSize);
            if (!aligned) return Move(block, held, requested, newSize, alignment, out newBlock);
            nuint length = held + slack, newSlack = 0;   // the run's leaves: its kept bytes and its slack
            if (newHeld > length && s->Slack != 0 && !Roomy(c))
            {
                TrimSlack(s);                               // this run's slack too
                length = held;
                slack = 0;
            }
            if (newHeld > held && newHeld <= length)
            {
                newSlack = length - newHeld;                // grows into its own slack: nothing else changes
            }
            else if (newHeld > held)
            {
#if BUDDYOS_HEAP_DEBUG
                nuint after = Placement.StretchAfterRun(c, offset + length);
                if (c->Checks != 0 && after >= offset + newHeld && (status = CheckedWindow(c, after, offset + length, offset + newHeld)) != HeapStatus.Ok)
                    return status;
#endif
                if (!Placement.TryGrowRun(&s->Runs, c, offset, length, newHeld))
                {
                    status = alignment <= Placement.Granule && newSize > SlabLimit ? GrowIntoNeighbours(offset, held, requested, slack, newSize, out newBlock) : HeapStatus.OutOfMemory;
                    return status == HeapStatus.OutOfMemory ? Move(block, held, requested, newSize, alignment, out newBlock) : status;
                }
            }
            else if (newHeld < held)
            {
                if (newSize > SlabLimit && alignment <= Placement.Granule)
                {
                    status = MoveIntoHole(block, offset, held, requested, slack, newSize, out newBlock);
                    if (status != HeapStatus.OutOfMemory) return status;
                }
#if BUDDYOS_HEAP_DEBUG
                if (c->Checks != 0 && (status = Placement.CheckNeighbours(c, offset + length, offset + length)) != HeapStatus.Ok) return status;
#endif
                Placement.ShrinkRun(&s->Runs, c, offset, length, newHeld);
            }
            else
            {
                newSlack = slack;                           // the same kept length
            }
            *Placement.HeadWord(&s->Runs, offset) = Placement.Head(newSize, newSlack);
            s->Slack = s->Slack - slack + newSlack;
        }
        s->Counters.RemoveLive(held, requested);
        s->Counters.AddLive(newHeld, newSize);
        s->Counters.Reallocations++;
        newBlock = block;
        return HeapStatus.Ok;
    }

    /// <summary>A shrinking run moves into a free stretch that holds it, when the best fit the bins give is not the
    /// stretch right after the run or right before it (there it would only move within its own room): left where it is,
    /// its freed tail only lengthens the stretch after it, while the hole stays too short for anything else.</summary>
    private HeapStatus MoveIntoHole(byte* block, nuint offset, nuint held, nuint requested, nuint slack, nuint newSize, out byte* newBlock)
    {
        newBlock = null;
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        nuint kept = Placement.Kept(newSize);
        nuint end = Placement.FindStretch(&s->Runs, c, kept);
        if (end == Placement.None || end == offset) return HeapStatus.OutOfMemory;
        nuint hole = Placement.StartOf(c, end);
        if (hole == offset + held + slack) return HeapStatus.OutOfMemory;
#if BUDDYOS_HEAP_DEBUG
        if (c->Checks != 0)
        {
            HeapStatus status = CheckedWindow(c, end, hole, hole + kept);
            if (status != HeapStatus.Ok) return status;
            status = Placement.CheckNeighbours(c, offset, offset + held + slack);
            if (status != HeapStatus.Ok) return status;
        }
#endif
        Placement.TakeWindow(&s->Runs, c, end, hole, hole + kept);
        *Placement.HeadWord(&s->Runs, hole) = newSize;
        HeapConstants.CopyBytes(c->Base + hole, block, newSize);
        Placement.FreeRun(&s->Runs, c, offset, held + slack);
        s->Slack -= slack;
        s->Counters.AddLive(kept, newSize);
        s->Counters.RemoveLive(held, requested);
        s->Counters.Reallocations++;
        newBlock = c->Base + hole;
        return HeapStatus.Ok;
    }

    /// <summary>
    /// A run that cannot grow in place grows into the free stretches on both sides when together they hold it: it ends
    /// where the stretch after it ends and starts as far into the stretch before it as it needs, and its contents move
    /// down. No new block elsewhere, no hole left where it was: OutOfMemory (nothing changed) when they are too short.
    /// </summary>
    private HeapStatus GrowIntoNeighbours(nuint offset, nuint held, nuint requested, nuint slack, nuint newSize, out byte* newBlock)
    {
        newBlock = null;
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        nuint end = offset + held + slack, newHeld = Placement.Kept(newSize);
        if (!BuddyCore.FreeBefore(c, offset)) return HeapStatus.OutOfMemory;
        nuint left = Placement.StartOf(c, offset), right = Placement.StretchAfterRun(c, end);
        if (right - left < newHeld) return HeapStatus.OutOfMemory;
        nuint at = right - newHeld;
#if BUDDYOS_HEAP_DEBUG
        if (c->Checks != 0)
        {
            HeapStatus status = CheckedWindow(c, offset, at, offset);
            if (status == HeapStatus.Ok && right > end) status = CheckedWindow(c, right, end, right);
            if (status != HeapStatus.Ok) return status;
        }
#endif
        Placement.TakeWindow(&s->Runs, c, offset, at, offset);
        if (right > end) Placement.TakeWindow(&s->Runs, c, right, end, right);
        *Placement.HeadWord(&s->Runs, offset) = 0;
        *Placement.HeadWord(&s->Runs, at) = newSize;
        s->Slack -= slack;
        MoveDown(c->Base + at, c->Base + offset, requested);
        s->Counters.RemoveLive(held, requested);
        s->Counters.AddLive(newHeld, newSize);
        s->Counters.Reallocations++;
        newBlock = c->Base + at;
        return HeapStatus.Ok;
    }

    /// <summary>Copies <paramref name="count"/> bytes to a lower address, the two ranges possibly overlapping: in chunks no
    /// longer than the distance, each of which reads only bytes not yet written.</summary>
    private static void MoveDown(byte* destination, byte* source, nuint count)
    {
        nuint distance = (nuint)(source - destination);
        while (count > 0)
        {
            nuint chunk = count < distance ? count : distance;
            HeapConstants.CopyBytes(destination, source, chunk);
            destination += chunk;
            source += chunk;
            count -= chunk;
        }
    }

    /// <summary>A reallocation that cannot stay in place: a new block, the contents copied, the old one freed.</summary>
    private HeapStatus Move(byte* block, nuint held, nuint requested, nuint newSize, nuint alignment, out byte* newBlock)
    {
        HeapStatus status = TryAllocate(newSize, alignment, out newBlock);
        if (status != HeapStatus.Ok) return status;
        HeapConstants.CopyBytes(newBlock, block, requested < newSize ? requested : newSize);
        LayeredState* s = _s;
        ulong frees = s->Counters.Frees;
        Free(block);
        s->Counters.Frees = frees;
        s->Counters.Allocations--;           // the move is one reallocation, not an allocation and a free
        s->Counters.Reallocations++;
        return HeapStatus.Ok;
    }

    /// <summary>The size of the block <paramref name="block"/> starts: its slot's class, or its run's kept length. O(1).</summary>
    public readonly HeapStatus TryGetUsableSize(byte* block, out nuint usableSize)
    {
        HeapStatus status = Find(block, out _, out _, out usableSize, out _);
        if (status != HeapStatus.Ok) usableSize = 0;
        return status;
    }

    /// <summary>The size the caller last asked for this block (at allocation or reallocation). O(1).</summary>
    public readonly HeapStatus TryGetRequestedSize(byte* block, out nuint requestedSize)
    {
        HeapStatus status = Find(block, out _, out _, out _, out requestedSize);
        if (status != HeapStatus.Ok) requestedSize = 0;
        return status;
    }

    // ---------------------------------------------------------------- statistics

    /// <summary>A snapshot of the counters: free + held + cached (idle bytes in slabs) = total. O(classes).</summary>
    public readonly HeapStatistics GetStatistics()
    {
        LayeredState* s = _s;
        nuint cached = Cache.CachedBytes(&s->Cache) + s->Slack;   // idle slots and spare slabs, and the runs' slack
        HeapStatistics st = s->Counters.ToStatistics(s->Core.Size);
        st.CachedBytes = cached;
        st.FreeBytes = s->Core.Size - s->Counters.Held - cached;
        st.LargestFreeBlock = BuddyCore.LargestFree(&s->Core);
        return st;
    }
}
