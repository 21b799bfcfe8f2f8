using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap.Layers;

/// <summary>The buddy core alone over native memory: its state and arrays from one metadata storage, as a heap lays them out.</summary>
public sealed unsafe class CoreFixture : IDisposable
{
    internal readonly BuddyCoreState* C;
    public readonly byte* Region;
    public readonly nuint Size;
    public readonly byte* Metadata;
    public readonly nuint MetadataBytes;

    public CoreFixture(nuint size, int orders, nuint extra = 0)
    {
        Assert.True(BuddyCore.IsValidShape(size, orders));
        Size = size;
        Region = (byte*)NativeMemory.AlignedAlloc(size, size > 4096 ? size : 4096);
        var cursor = new MetadataCursor();
        cursor.Take((nuint)sizeof(BuddyCoreState));
        BuddyCore.Reserve(ref cursor, orders, out nuint lists, out nuint counts, out nuint split, out nuint free);
        ExtraOffset = cursor.Take(extra);
        MetadataBytes = cursor.At;
        Metadata = (byte*)NativeMemory.AlignedAlloc(MetadataBytes, 16);
        NativeMemory.Clear(Metadata, MetadataBytes);
        C = (BuddyCoreState*)Metadata;
        BuddyCore.Initialize(C, Region, size, orders, Metadata, lists, counts, split, free);
    }

    /// <summary>Where the extra storage asked for at creation starts in the metadata (a layer's arrays).</summary>
    public readonly nuint ExtraOffset;

    public byte[] Snapshot() => new ReadOnlySpan<byte>(Metadata, (int)MetadataBytes).ToArray();

    public byte[] FullSnapshot() => Snapshot().Concat(new ReadOnlySpan<byte>(Region, (int)Size).ToArray()).ToArray();

    public void AssertValid()
    {
        HeapViolation v = BuddyCore.Validate(C, out _);
        Assert.True(v.IsClean, $"{ViolationNames.Name(v.Kind)} at offset {v.Offset} order {v.Order}");
    }

    /// <summary>Every free block, from the lists: (offset, order).</summary>
    public SortedSet<(nuint Offset, int Order)> FreeBlocks()
    {
        var set = new SortedSet<(nuint, int)>();
        for (int k = 0; k <= C->Top; k++)
        {
            FreeNode* sentinel = &C->Lists[k];
            for (FreeNode* n = sentinel->Next; n != sentinel; n = n->Next) set.Add(((nuint)((byte*)n - Region), k));
        }
        return set;
    }

    /// <summary>The free blocks a buddy system must hold for these free intervals: each interval cut into the largest
    /// aligned blocks that fit (two free buddies always merge).</summary>
    public SortedSet<(nuint Offset, int Order)> Canonical(IEnumerable<(nuint Start, nuint End)> free)
    {
        var set = new SortedSet<(nuint, int)>();
        int minShift = C->MinShift;
        foreach (var (start, end) in free)
            for (nuint at = start; at < end; )
            {
                int k = at == 0 ? C->Top : System.Numerics.BitOperations.TrailingZeroCount((ulong)at) - minShift;
                while (k > C->Top || ((nuint)1 << (k + minShift)) > end - at) k--;
                set.Add((at, k));
                at += (nuint)1 << (k + minShift);
            }
        return set;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(Region);
        NativeMemory.AlignedFree(Metadata);
    }
}

/// <summary>The object cache's slabs straight from the buddy core's lists (no placement): the cache tested alone.</summary>
internal unsafe struct CoreSlabSource : ISlabSource
{
    private readonly BuddyCoreState* _c;

    public CoreSlabSource(BuddyCoreState* c) => _c = c;

    public HeapStatus TakeSlab(out nuint offset)
        => BuddyCore.TakeBlock(_c, ObjectCacheState.SlabShift - _c->MinShift, out offset) ? HeapStatus.Ok : HeapStatus.OutOfMemory;

    public void ReturnSlab(nuint offset) => BuddyCore.ReleaseBlock(_c, ObjectCacheState.SlabShift - _c->MinShift, offset);
}
