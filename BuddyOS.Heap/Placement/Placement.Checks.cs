#if BUDDYOS_HEAP_DEBUG
namespace BuddyOS.Heap;

// The placement's debug checks. With poison on, a stretch's free bytes hold the poison except each free block's 16 link
// bytes and the stretch's own tag (its last 24 bytes).
internal static unsafe partial class Placement
{
    /// <summary>The stretch that ends at <paramref name="end"/> has a sane tag: a granule-multiple length inside the
    /// region, links that are None or granule-aligned ends in the region and link back. Checked before anything is
    /// written through them.</summary>
    public static HeapStatus CheckStretch(BuddyCoreState* c, nuint end)
    {
        if (!BuddyCore.CheckingInvariants(c)) return HeapStatus.Ok;
        if (end > c->Size || end == 0 || (end & (Granule - 1)) != 0) return HeapStatus.HeapCorrupted;
        StretchTag* t = Tag(c, end);
        nuint length = t->Length;
        if (length == 0 || (length & (Granule - 1)) != 0 || length > end) return HeapStatus.HeapCorrupted;
        if (!LinkInPlace(c, t->Next) || !LinkInPlace(c, t->Prev)) return HeapStatus.HeapCorrupted;
        if (t->Next != None && Tag(c, t->Next)->Prev != end) return HeapStatus.HeapCorrupted;
        if (t->Prev != None && Tag(c, t->Prev)->Next != end) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }

    private static bool LinkInPlace(BuddyCoreState* c, nuint link) => link == None || (link <= c->Size && link != 0 && (link & (Granule - 1)) == 0);

    /// <summary>Before [from, to) is released: the stretches it will join have sane tags.</summary>
    public static HeapStatus CheckNeighbours(BuddyCoreState* c, nuint from, nuint to)
    {
        if (!BuddyCore.CheckingInvariants(c)) return HeapStatus.Ok;
        if (BuddyCore.FreeBefore(c, from) && CheckStretch(c, from) != HeapStatus.Ok) return HeapStatus.HeapCorrupted;
        nuint end = StretchAfter(c, to);
        if (end > to && (CheckStretch(c, end) != HeapStatus.Ok || StartOf(c, end) != to)) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }

    /// <summary>Every byte of [from, to), which lies in the stretch that ends at <paramref name="end"/>, still holds the
    /// poison but the link bytes of its free blocks and the stretch's tag.</summary>
    public static bool PoisonedWindow(BuddyCoreState* c, nuint from, nuint to, nuint end)
    {
        if (!BuddyCore.Poisoning(c)) return true;
        ulong word = 0x0101010101010101UL * HeapConstants.PoisonByte;
        int k = BuddyCore.LeafAt(c, from, out _);
        nuint leafStart = from & ~(BuddyCore.BlockSize(c, k) - 1), leafEnd = leafStart + BuddyCore.BlockSize(c, k);
        nuint tag = end - (nuint)sizeof(StretchTag);
        for (nuint at = from; at < to; at += 8)
        {
            if (at >= leafEnd)
            {
                leafStart = at;
                leafEnd = at + BuddyCore.BlockSize(c, BuddyCore.LeafStartingAt(c, at, out _));
            }
            if (at - leafStart < BuddyCore.LinkBytes || at >= tag && at < end) continue;
            if (*(ulong*)(c->Base + at) != word) return false;
        }
        return true;
    }

    /// <summary>Releases the allocated leaves of [from, to) with the poison kept whole: the bytes poisoned first, each
    /// merged buddy's links after, and the tag of the stretch [start, from) it joins, which is free bytes inside the
    /// new stretch now.</summary>
    private static void ReleasePoisoned(BuddyCoreState* c, nuint from, nuint to, nuint start)
    {
        BuddyCore.Poison(c->Base + from, to - from);
        for (nuint at = from; at < to; )
        {
            int k = BuddyCore.LeafStartingAt(c, at, out _);
            BuddyCore.ReleasePoisoned(c, k, at);
            at += BuddyCore.BlockSize(c, k);
        }
        if (start < from) BuddyCore.Poison(c->Base + from - sizeof(StretchTag), (nuint)sizeof(StretchTag));
    }

    /// <summary>Poison turned on: each stretch's blocks get it but their links, and its tag stays.</summary>
    public static void PoisonFreeStretches(PlacementState* p, BuddyCoreState* c)
    {
        for (int b = 0; b < p->Bins; b++)
            for (nuint end = p->BinHeads[b]; end != None; end = Tag(c, end)->Next)
            {
                StretchTag tag = *Tag(c, end);
                for (nuint at = end - tag.Length; at < end; )
                {
                    nuint size = BuddyCore.BlockSize(c, BuddyCore.LeafStartingAt(c, at, out _));
                    BuddyCore.Poison(c->Base + at + BuddyCore.LinkBytes, size - BuddyCore.LinkBytes);
                    at += size;
                }
                *Tag(c, end) = tag;
            }
    }
}
#endif
