using Cache = BuddyOS.Heap.ObjectCache<BuddyOS.Heap.KernelSizeClasses, BuddyOS.Heap.PlacementSlabSource>;

namespace BuddyOS.Heap;

public unsafe partial struct BuddyHeap
{
    /// <summary>
    /// Checks every invariant of every layer and reports the first one broken: the core's (lists, tree, counters); then,
    /// walking the leaves, each free stretch (tag, footer, no run head inside), each slab (side table, slots, sizes), each
    /// run (its leaves cover its request rounded to the granule and its slack, no stray head word), every allocated leaf
    /// in a slab or a run; the bins (exactly the stretches found), the classes (lists, spares, counters); and the heap's
    /// own counters: held and requested bytes, the slack, free + held + cached + slack = total, the peaks. O(region / 16). Never writes anything.
    /// </summary>
    public readonly HeapViolation Validate()
    {
        LayeredState* s = _s;
        BuddyCoreState* c = &s->Core;
        HeapViolation v = BuddyCore.Validate(c, out nuint freeBytes);
        if (!v.IsClean) return v;
        nuint held = 0, requested = 0, slackFound = 0, liveSlots = 0, slabs = 0, stretches = 0, stretchStart = Placement.None;
        int slabOrder = ObjectCacheState.SlabShift - c->MinShift;
        for (nuint at = 0; at < c->Size; )
        {
            int k = BuddyCore.LeafStartingAt(c, at, out nuint node);
            nuint size = BuddyCore.BlockSize(c, k);
            if (BuddyCore.Test(c->Free, node))
            {
                if (stretchStart == Placement.None) stretchStart = at;
                at += size;
                continue;
            }
            if (stretchStart != Placement.None)
            {
                v = Placement.ValidateStretch(&s->Runs, c, stretchStart, at);
                if (!v.IsClean) return v;
                stretches++;
                stretchStart = Placement.None;
            }
            if (s->Cache.Pages[at >> ObjectCacheState.SlabShift].Class != 0)
            {
                if (k != slabOrder) return HeapViolation.At(ViolationKind.SlabCountMismatch, at, k);
                v = Cache.ValidateSlab(&s->Cache, at, ref held, ref requested, ref liveSlots);
                if (!v.IsClean) return v;
                slabs++;
                at += size;
                continue;
            }
            v = Placement.ValidateRun(&s->Runs, c, s->Cache.Pages, at, out nuint kept, out nuint asked, out nuint slack);
            if (!v.IsClean) return v;
            held += kept;
            requested += asked;
            slackFound += slack;
            at += kept + slack;
        }
        if (stretchStart != Placement.None)
        {
            v = Placement.ValidateStretch(&s->Runs, c, stretchStart, c->Size);
            if (!v.IsClean) return v;
            stretches++;
        }
        v = Placement.ValidateBins(&s->Runs, c, stretches);
        if (!v.IsClean) return v;
        v = Cache.ValidateClasses(&s->Cache, c->Size, slabs);
        if (!v.IsClean) return v;
        if (held != s->Counters.Held) return HeapViolation.At(ViolationKind.HeldBytesMismatch, 0, -1);
        if (requested != s->Counters.Requested) return HeapViolation.At(ViolationKind.RequestedBytesMismatch, 0, -1);
        if (slackFound != s->Slack) return HeapViolation.At(ViolationKind.AccountingMismatch, 0, -1);
        if (freeBytes + held + Cache.CachedBytes(&s->Cache) + s->Slack != c->Size) return HeapViolation.At(ViolationKind.AccountingMismatch, 0, -1);
        if (!s->Counters.Consistent) return HeapViolation.At(ViolationKind.CounterMismatch, 0, -1);
        return default;
    }

    /// <summary>
    /// Turns debug checks on or off (<see cref="HeapChecks"/>). Turning poison on fills every free byte now (O(free
    /// bytes)): the core's free blocks but their links and the stretches' tags, and every free slot. Unsupported in a
    /// build without BUDDYOS_HEAP_DEBUG.
    /// </summary>
    public HeapStatus SetChecks(HeapChecks checks)
    {
#if BUDDYOS_HEAP_DEBUG
        LayeredState* s = _s;
        if ((checks & HeapChecks.Poison) != 0 && !BuddyCore.Poisoning(&s->Core))
        {
            Placement.PoisonFreeStretches(&s->Runs, &s->Core);
            Cache.PoisonFreeSlots(&s->Cache, s->Core.Base, s->Core.Size);
        }
        s->Core.Checks = (byte)checks;
        return HeapStatus.Ok;
#else
        return checks == HeapChecks.None ? HeapStatus.Ok : HeapStatus.Unsupported;
#endif
    }

    /// <summary>The debug checks now on (none in a build without BUDDYOS_HEAP_DEBUG).</summary>
    public readonly HeapChecks Checks => (HeapChecks)_s->Core.Checks;

#if BUDDYOS_HEAP_DEBUG
    /// <summary>Before [from, to) is cut from the stretch that ends at <paramref name="end"/>: the stretch's tag is sane,
    /// each free block the window covers is well linked (HeapCorrupted), and the window still holds the poison
    /// (UseAfterFree). Nothing is written.</summary>
    internal static HeapStatus CheckedWindow(BuddyCoreState* c, nuint end, nuint from, nuint to)
    {
        HeapStatus status = Placement.CheckStretch(c, end);
        if (status != HeapStatus.Ok) return status;
        if (BuddyCore.CheckingInvariants(c))
        {
            int k = BuddyCore.LeafAt(c, from, out _);
            for (nuint at = from & ~(BuddyCore.BlockSize(c, k) - 1); at < to; at += BuddyCore.BlockSize(c, k))
            {
                k = BuddyCore.LeafStartingAt(c, at, out _);
                if (BuddyCore.CheckLinked(c, at) != HeapStatus.Ok) return HeapStatus.HeapCorrupted;
            }
        }
        return Placement.PoisonedWindow(c, from, to, end) ? HeapStatus.Ok : HeapStatus.UseAfterFree;
    }
#endif
}
