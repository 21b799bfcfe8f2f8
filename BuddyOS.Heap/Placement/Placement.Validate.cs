namespace BuddyOS.Heap;

internal static unsafe partial class Placement
{
    /// <summary>A free stretch [start, end) found by a walk of the leaves: granule-aligned, its tag's length agrees, and
    /// every size-store word in it is zero.</summary>
    public static HeapViolation ValidateStretch(PlacementState* p, BuddyCoreState* c, nuint start, nuint end)
    {
        if (((start | end) & (Granule - 1)) != 0) return HeapViolation.At(ViolationKind.StretchTagBroken, start, -1);
        if (Tag(c, end)->Length != end - start)
            return HeapViolation.At(ViolationKind.StretchTagBroken, start, -1);
        for (nuint at = start; at < end; at += Granule)
            if (*HeadWord(p, at) != 0) return HeapViolation.At(ViolationKind.TrimmedRunBroken, at, -1);
        return default;
    }

    /// <summary>
    /// A run found by a walk at its head <paramref name="at"/>, an allocated leaf: its head word (the request and the
    /// slack) is inside the region, and the leaves from the head cover exactly the request rounded to the granule and
    /// the slack, each allocated, no slab (<paramref name="slabs"/> is the cache's side table, or null), the other
    /// granule words zero. Returns the run's kept length and its slack.
    /// </summary>
    public static HeapViolation ValidateRun(PlacementState* p, BuddyCoreState* c, SlabPage* slabs, nuint at, out nuint kept,
        out nuint requested, out nuint slack)
    {
        ulong head = *HeadWord(p, at);
        requested = RequestOf(head);
        kept = Kept(requested);
        slack = SlackOf(head);
        if (requested == 0 || requested > c->Size - at || kept > c->Size - at || slack > c->Size - at - kept)
            return HeapViolation.At(ViolationKind.TrimmedRunBroken, at, -1);
        nuint end = at + kept + slack;
        for (nuint leaf = at; leaf < end; )
        {
            int k = BuddyCore.LeafStartingAt(c, leaf, out nuint node);
            nuint size = BuddyCore.BlockSize(c, k);
            if (BuddyCore.Test(c->Free, node) || leaf + size > end || (slabs != null && slabs[leaf >> ObjectCacheState.SlabShift].Class != 0))
                return HeapViolation.At(ViolationKind.TrimmedRunBroken, leaf, k);
            leaf += size;
        }
        for (nuint g = at + Granule; g < end; g += Granule)
            if (*HeadWord(p, g) != 0) return HeapViolation.At(ViolationKind.TrimmedRunBroken, g, -1);
        return default;
    }

    /// <summary>The bins hold exactly the <paramref name="stretches"/> stretches the walk found: each listed one is a
    /// real stretch end (a free leaf before it, none after it) in the bin its length says, the lists well linked, the
    /// bitmap bit set exactly for the non-empty bins.</summary>
    public static HeapViolation ValidateBins(PlacementState* p, BuddyCoreState* c, nuint stretches)
    {
        nuint listed = 0;
        for (int b = 0; b < p->Bins; b++)
        {
            bool marked = (p->BinMap[b >> 6] & (1UL << (b & 63))) != 0;
            if (marked != (p->BinHeads[b] != None)) return HeapViolation.At(ViolationKind.StretchBinMismatch, 0, b);
            nuint previous = None;
            for (nuint e = p->BinHeads[b]; e != None; e = Tag(c, e)->Next)
            {
                // Check the place before reading through it: a corrupt link may point anywhere.
                if (e > c->Size || e == 0 || (e & (Granule - 1)) != 0 || ++listed > stretches)
                    return HeapViolation.At(ViolationKind.StretchBinMismatch, e, b);
                if (!BuddyCore.FreeBefore(c, e) || BuddyCore.FreeFrom(c, e) || Tag(c, e)->Prev != previous
                    || BinOf(Tag(c, e)->Length >> GranuleShift) != b)
                    return HeapViolation.At(ViolationKind.StretchBinMismatch, e, b);
                previous = e;
            }
        }
        return listed == stretches ? default : HeapViolation.At(ViolationKind.StretchBinMismatch, 0, -1);
    }
}
