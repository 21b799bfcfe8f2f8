using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

public unsafe class BuddyHeapSetTests : IDisposable
{
    private readonly List<nint> _native = new();

    private byte* Native(nuint size, nuint align)
    {
        var p = (byte*)NativeMemory.AlignedAlloc(size, align);
        _native.Add((nint)p);
        return p;
    }

    public void Dispose()
    {
        foreach (nint p in _native) NativeMemory.AlignedFree((void*)p);
    }

    private BuddyHeapSet NewSet(int capacity)
    {
        byte* table = Native(BuddyHeapSet.MetadataBytes(capacity), 16);
        Assert.Equal(HeapStatus.Ok, BuddyHeapSet.TryCreate(table, BuddyHeapSet.MetadataBytes(capacity), capacity, out BuddyHeapSet set));
        return set;
    }

    [Fact]
    public void An_unaligned_range_is_cut_into_aligned_power_of_two_chunks()
    {
        BuddyHeapSet set = NewSet(16);
        byte* mem = Native(1u << 20, 1u << 20);
        byte* start = mem + 4096 + 100;                  // unaligned start: the first 3996 bytes are left out
        nuint length = (1u << 19) + 8192;
        nuint metaBytes = BuddyHeapSet.MetadataBytesForRange(start, length);
        byte* meta = Native(metaBytes, 16);
        Assert.Equal(HeapStatus.Ok, set.AddRange(start, length, meta, metaBytes, out int added));
        // From mem+8K: 8K, 16K, 32K, ..., 256K (aligned chunks growing), then the rest.
        Assert.True(added > 3);
        nuint total = 0;
        for (int i = 0; i < set.Count; i++)
        {
            BuddyHeap r = set.Region(i);
            Assert.Equal((nuint)0, (nuint)r.RegionStart % r.RegionSize);
            Assert.True(r.RegionStart >= start && r.RegionStart + r.RegionSize <= start + length);
            total += r.RegionSize;
        }
        Assert.Equal(set.GetStatistics().TotalBytes, total);
        Assert.True(total >= length - 2 * 4096);
        Assert.Equal(HeapStatus.InvalidConfiguration, set.AddRange(start, 8192, meta, metaBytes, out _));   // overlap
    }

    [Fact]
    public void Allocation_spills_into_later_regions_and_free_finds_the_right_one()
    {
        BuddyHeapSet set = NewSet(4);
        foreach (nuint size in new nuint[] { 4096, 65536 })
        {
            byte* region = Native(size, size);
            byte* meta = Native(BuddyHeap.MetadataBytes(size, BuddyHeap.OrdersFor(size)), 16);
            Assert.Equal(HeapStatus.Ok, BuddyHeap.TryCreate(region, size, BuddyHeap.OrdersFor(size), meta,
                BuddyHeap.MetadataBytes(size, BuddyHeap.OrdersFor(size)), out BuddyHeap heap));
            Assert.Equal(HeapStatus.Ok, set.AddHeap(heap));
        }
        Assert.Equal(HeapStatus.Ok, set.TryAllocate(4096, 1, out byte* first));
        Assert.True(set.Region(0).Contains(first));
        Assert.Equal(HeapStatus.Ok, set.TryAllocate(4096, 1, out byte* second));
        Assert.True(set.Region(1).Contains(second));
        Assert.Equal(HeapStatus.Ok, set.TryAllocate(8192, 1, out byte* big));       // too big for region 0
        Assert.True(set.Region(1).Contains(big));
        Assert.Equal(HeapStatus.SizeTooLarge, set.TryAllocate(1u << 20, 1, out _));

        // Reallocating the first region's full block moves it to the second region.
        Assert.Equal(HeapStatus.Ok, set.TryReallocate(first, 5000, out byte* moved));
        Assert.True(set.Region(1).Contains(moved));
        byte* outside = stackalloc byte[16];
        Assert.Equal(HeapStatus.ForeignPointer, set.Free(outside));
        Assert.Equal(HeapStatus.Ok, set.Free(second));
        Assert.Equal(HeapStatus.Ok, set.Free(big));
        Assert.Equal(HeapStatus.Ok, set.Free(moved));
        Assert.Equal(HeapStatus.DoubleFree, set.Free(moved));
        Assert.True(set.Validate(out _).IsClean);
        HeapStatistics st = set.GetStatistics();
        Assert.Equal((nuint)0, st.HeldBytes);
        Assert.Equal((ulong)3, st.Allocations);
        Assert.Equal((ulong)3, st.Frees);
        Assert.Equal((ulong)1, st.Reallocations);
    }

    [Fact]
    public void A_full_table_is_refused()
    {
        BuddyHeapSet set = NewSet(1);
        byte* mem = Native(1u << 16, 1u << 16);
        nuint bytes = BuddyHeapSet.MetadataBytesForRange(mem + 4096, 8192 + 4096);
        byte* meta = Native(bytes, 16);
        Assert.Equal(HeapStatus.RegionTableFull, set.AddRange(mem + 4096, 8192 + 4096, meta, bytes, out int added));
        Assert.Equal(0, added);
        Assert.Equal(0, set.Count);
    }
}
