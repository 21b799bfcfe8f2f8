using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>A heap over natively allocated memory, freed on dispose, with every debug check on unless asked otherwise.</summary>
public abstract unsafe class HeapFixture<THeap> : IDisposable where THeap : struct, IBuddyHeap
{
    public readonly byte* Region;
    public readonly nuint Size;
    public readonly byte* Metadata;
    public readonly nuint MetadataBytes;
    public THeap Heap;
    private readonly byte* _raw;

    /// <param name="regionAlignment">Alignment of the region start; defaults to the region size.</param>
    /// <param name="metadataBytes">What the heap's MetadataBytes says it needs.</param>
    protected HeapFixture(nuint size, nuint regionAlignment, nuint metadataBytes)
    {
        Size = size;
        nuint align = regionAlignment != 0 ? regionAlignment : (size > 4096 ? size : 4096);
        // Over-allocate so the region is aligned to exactly `align` and no more: alignment tests depend on it.
        _raw = (byte*)NativeMemory.AlignedAlloc(size + align, align * 2);
        Region = _raw + align;
        MetadataBytes = metadataBytes;
        Assert.True(MetadataBytes > 0, "valid configuration");
        Metadata = (byte*)NativeMemory.AlignedAlloc(MetadataBytes, 16);
    }

    /// <summary>Turns every debug check on (the default); off, the heap runs the paths a kernel runs without
    /// heap.checks=on.</summary>
    protected void Start(HeapStatus created, bool checks)
    {
        Assert.Equal(HeapStatus.Ok, created);
        if (checks) Assert.Equal(HeapStatus.Ok, Heap.SetChecks(HeapChecks.All));
    }

    public nuint Offset(byte* p) => (nuint)(p - Region);

    public byte* Alloc(nuint size, nuint align = 1)
    {
        Assert.Equal(HeapStatus.Ok, Heap.TryAllocate(size, align, out byte* p));
        return p;
    }

    public void AssertClean()
    {
        HeapViolation v = Heap.Validate();
        Assert.True(v.IsClean, $"{ViolationNames.Name(v.Kind)} at offset {v.Offset} order {v.Order}");
    }

    /// <summary>The heap's state as bytes: metadata storage plus counters. Equal snapshots = nothing changed.</summary>
    public byte[] Snapshot() => new ReadOnlySpan<byte>(Metadata, (int)MetadataBytes).ToArray();

    /// <summary>The heap's metadata and its whole region as bytes: a status that changes nothing leaves both as they were
    /// (the placement keeps its stretch tags in free memory).</summary>
    public byte[] FullSnapshot() => Snapshot().Concat(new ReadOnlySpan<byte>(Region, (int)Size).ToArray()).ToArray();

    /// <summary>Everything is free: after the object cache's spare slabs go back, the heap is one whole block.</summary>
    public void AssertWhole()
    {
        Heap.TrimObjectCache();
        AssertClean();
        HeapStatistics st = Heap.GetStatistics();
        Assert.Equal((nuint)0, st.HeldBytes);
        Assert.Equal((nuint)0, st.RequestedBytes);
        Assert.Equal((nuint)0, st.CachedBytes);
        Assert.Equal(Size, st.LargestFreeBlock);
        Assert.Equal((nuint)1, Heap.FreeBlockCount(Heap.Orders - 1));
        for (int k = 0; k < Heap.Orders - 1; k++) Assert.Equal((nuint)0, Heap.FreeBlockCount(k));
    }

    /// <summary>Every allocated block, in address order.</summary>
    public List<HeapBlock> Walk()
    {
        var blocks = new List<HeapBlock>();
        foreach (HeapBlock b in new HeapWalk<THeap>(Heap)) blocks.Add(b);
        return blocks;
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_raw);
        NativeMemory.AlignedFree(Metadata);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The layered heap (buddy core, object cache, placement): the kernel's.</summary>
public sealed unsafe class HeapFixture : HeapFixture<BuddyHeap>
{
    public HeapFixture(nuint size, int orders, nuint regionAlignment = 0, bool checks = true)
        : base(size, regionAlignment, BuddyHeap.MetadataBytes(size, orders))
        => Start(BuddyHeap.TryCreate(Region, size, orders, Metadata, MetadataBytes, out Heap), checks);
}

/// <summary>The buddy core alone as a heap.</summary>
public sealed unsafe class PureHeapFixture : HeapFixture<PureBuddyHeap>
{
    public PureHeapFixture(nuint size, int orders, nuint regionAlignment = 0, bool checks = true)
        : base(size, regionAlignment, PureBuddyHeap.MetadataBytes(size, orders))
        => Start(PureBuddyHeap.TryCreate(Region, size, orders, Metadata, MetadataBytes, out Heap), checks);
}
