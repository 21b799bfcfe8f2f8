#if BUDDYOS_HEAP_DEBUG
namespace BuddyOS.Heap;

// The placement's debug checks. With poison on, a stretch's free bytes hold the poison except each free block's 16 link
// bytes and the stretch's own tag (24 bytes at start + 16) and footer (its last 8 bytes).
internal static unsafe partial class Placement
{
    /// <summary>The stretch at <paramref name="start"/> has a sane tag: a granule-multiple length inside the region, its
    /// footer pointing back, links that are None or granule-aligned offsets in the region. Checked before anything is
    /// written through them.</summary>
    public static HeapStatus CheckStretch(BuddyCoreState* c, nuint start)
    {
        if (!BuddyCore.CheckingInvariants(c)) return HeapStatus.Ok;
        if (start >= c->Size || (start & (Granule - 1)) != 0) return HeapStatus.HeapCorrupted;
        StretchTag* t = Tag(c, start);
        nuint length = t->Length;
        if (length == 0 || (length & (Granule - 1)) != 0 || length > c->Size - start) return HeapStatus.HeapCorrupted;
        if (*Footer(c, start + length) != start) return HeapStatus.HeapCorrupted;
        if (!LinkInPlace(c, t->Next) || !LinkInPlace(c, t->Prev)) return HeapStatus.HeapCorrupted;
        if (t->Next != None && Tag(c, t->Next)->Prev != start) return HeapStatus.HeapCorrupted;
        if (t->Prev != None && Tag(c, t->Prev)->Next != start) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }

    private static bool LinkInPlace(BuddyCoreState* c, nuint link) => link == None || (link < c->Size && (link & (Granule - 1)) == 0);

    /// <summary>Before [from, to) is released: the stretches it will join have sane tags.</summary>
    public static HeapStatus CheckNeighbours(BuddyCoreState* c, nuint from, nuint to)
    {
        if (!BuddyCore.CheckingInvariants(c)) return HeapStatus.Ok;
        if (BuddyCore.FreeBefore(c, from))
        {
            nuint start = *Footer(c, from);
            if (start >= from || CheckStretch(c, start) != HeapStatus.Ok || start + Tag(c, start)->Length != from) return HeapStatus.HeapCorrupted;
        }
        if (BuddyCore.FreeFrom(c, to) && CheckStretch(c, to) != HeapStatus.Ok) return HeapStatus.HeapCorrupted;
        return HeapStatus.Ok;
    }

    /// <summary>Every byte of [from, to), which lies in the stretch [start, end), still holds the poison but the link
    /// bytes of its free blocks and the stretch's tag and footer.</summary>
    public static bool PoisonedWindow(BuddyCoreState* c, nuint from, nuint to, nuint start, nuint end)
    {
        if (!BuddyCore.Poisoning(c)) return true;
        ulong word = 0x0101010101010101UL * HeapConstants.PoisonByte;
        int k = BuddyCore.LeafAt(c, from, out _);
        nuint leafStart = from & ~(BuddyCore.BlockSize(c, k) - 1), leafEnd = leafStart + BuddyCore.BlockSize(c, k);
        for (nuint at = from; at < to; at += 8)
        {
            if (at >= leafEnd)
            {
                leafStart = at;
                leafEnd = at + BuddyCore.BlockSize(c, BuddyCore.LeafStartingAt(c, at, out _));
            }
            if (at - leafStart < BuddyCore.LinkBytes) continue;
            if (at - start - TagOffset < (nuint)sizeof(StretchTag) || at >= end - (nuint)sizeof(nuint)) continue;
            if (*(ulong*)(c->Base + at) != word) return false;
        }
        return true;
    }

    /// <summary>Releases the allocated leaves of [from, to) with the poison kept whole: the bytes poisoned first, each
    /// merged buddy's links after, and the tags of the stretches [start, from) and [to, end) it joins, which are free
    /// bytes inside the new stretch now (its own tags are written next).</summary>
    private static void ReleasePoisoned(BuddyCoreState* c, nuint from, nuint to, nuint start, nuint end)
    {
        BuddyCore.Poison(c->Base + from, to - from);
        for (nuint at = from; at < to; )
        {
            int k = BuddyCore.LeafStartingAt(c, at, out _);
            BuddyCore.ReleasePoisoned(c, k, at);
            at += BuddyCore.BlockSize(c, k);
        }
        if (start < from) BuddyCore.Poison(c->Base + from - sizeof(nuint), (nuint)sizeof(nuint));
        if (to < end) BuddyCore.Poison(c->Base + to + TagOffset, (nuint)sizeof(StretchTag));
    }

    /// <summary>Poison turned on: each stretch's blocks get it but their links, and its tag and footer stay.</summary>
    public static void PoisonFreeStretches(PlacementState* p, BuddyCoreState* c)
    {
        for (int b = 0; b < p->Bins; b++)
            for (nuint s = p->BinHeads[b]; s != None; s = Tag(c, s)->Next)
            {
                StretchTag tag = *Tag(c, s);
                nuint end = s + tag.Length;
                for (nuint at = s; at < end; )
                {
                    nuint size = BuddyCore.BlockSize(c, BuddyCore.LeafStartingAt(c, at, out _));
                    BuddyCore.Poison(c->Base + at + BuddyCore.LinkBytes, size - BuddyCore.LinkBytes);
                    at += size;
                }
                *Tag(c, s) = tag;
                *Footer(c, end) = s;
            }
    }
}
#endif
