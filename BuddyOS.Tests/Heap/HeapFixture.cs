using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>A buddy heap over natively allocated memory, freed on dispose, with every debug check on.</summary>
public sealed unsafe class HeapFixture : IDisposable
{
    public readonly byte* Region;
    public readonly nuint Size;
    public readonly byte* Metadata;
    public readonly nuint MetadataBytes;
    public BuddyHeap Heap;

    /// <param name="regionAlignment">Alignment of the region start; defaults to the region size.</param>
    /// <param name="objectCache">Create the heap with its object cache (slabs for small sizes).</param>
    /// <param name="checks">Turn every debug check on (the default); off, the heap runs the paths a kernel runs
    /// without heap.checks=on.</param>
    public HeapFixture(nuint size, int orders, nuint regionAlignment = 0, bool objectCache = false, bool checks = true)
    {
        Size = size;
        nuint align = regionAlignment != 0 ? regionAlignment : (size > 4096 ? size : 4096);
        // Over-allocate so the region is aligned to exactly `align` and no more: alignment tests depend on it.
        _raw = (byte*)NativeMemory.AlignedAlloc(size + align, align * 2);
        Region = _raw + align;
        MetadataBytes = BuddyHeap.MetadataBytes(size, orders, objectCache);
        Assert.True(MetadataBytes > 0, "valid configuration");
        Metadata = (byte*)NativeMemory.AlignedAlloc(MetadataBytes, 16);
        Assert.Equal(HeapStatus.Ok, BuddyHeap.TryCreate(Region, size, orders, Metadata, MetadataBytes, out Heap, objectCache: objectCache));
        if (checks) Assert.Equal(HeapStatus.Ok, Heap.SetChecks(HeapChecks.All));
    }

    private readonly byte* _raw;

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

    public void Dispose()
    {
        NativeMemory.AlignedFree(_raw);
        NativeMemory.AlignedFree(Metadata);
    }
}
