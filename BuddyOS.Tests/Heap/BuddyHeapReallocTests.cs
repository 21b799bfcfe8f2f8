using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

public unsafe class BuddyHeapReallocTests
{
    [Fact]
    public void Growing_into_free_buddies_stays_in_place_and_keeps_contents()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(16);
        for (int i = 0; i < 16; i++) a[i] = (byte)i;
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(a, 1000, out byte* b));
        Assert.True(a == b);
        for (int i = 0; i < 16; i++) Assert.Equal((byte)i, b[i]);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(b, out nuint usable));
        Assert.Equal((nuint)1024, usable);
        Assert.Equal((nuint)1000, f.Heap.GetStatistics().RequestedBytes);
        f.AssertClean();
    }

    [Fact]
    public void Growing_moves_when_the_buddy_is_taken_and_copies_only_what_was_asked()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(16);
        byte* neighbour = f.Alloc(16);                   // a's buddy: growth in place is impossible
        for (int i = 0; i < 16; i++) a[i] = (byte)(100 + i);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(a, 64, out byte* b));
        Assert.True(b != a);
        for (int i = 0; i < 16; i++) Assert.Equal((byte)(100 + i), b[i]);
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(a));   // the old block went back
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((ulong)2, st.Allocations);
        Assert.Equal((ulong)1, st.Reallocations);
        Assert.Equal((nuint)(64 + 16), st.RequestedBytes);
        _ = neighbour;
        f.AssertClean();
    }

    [Fact]
    public void Growing_an_upper_buddy_moves_even_when_space_follows()
    {
        using var f = new PureHeapFixture(4096, 9);
        f.Alloc(16);
        byte* upper = f.Alloc(16);                       // offset 16: not aligned to a 32-byte block
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(upper, 32, out byte* moved));
        Assert.True(moved != upper);
        f.AssertClean();
    }

    [Fact]
    public void Shrinking_never_moves_and_returns_the_tail()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(4096);
        a[0] = 42;
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(a, 100, out byte* b));
        Assert.True(a == b);
        Assert.Equal(42, b[0]);
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)128, st.HeldBytes);
        Assert.Equal((nuint)2048, st.LargestFreeBlock);
        Assert.Equal((nuint)(4096 - 128), st.FreeBytes);
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        f.AssertWhole();
    }

    [Fact]
    public void Zeroed_allocation_clears_reused_memory()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(256);
        new Span<byte>(a, 256).Fill(0xAB);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        Assert.Equal(HeapStatus.Ok, f.Heap.TryAllocateZeroed(256, 1, out byte* z));
        Assert.True(z == a);
        Assert.True(new ReadOnlySpan<byte>(z, 256).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void Statistics_track_requested_held_peaks_and_fragmentation()
    {
        using var f = new PureHeapFixture(1u << 20, 17);
        byte* a = f.Alloc(100);                           // 128 held
        byte* b = f.Alloc(3000);                          // 4096 held
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)3100, st.RequestedBytes);
        Assert.Equal((nuint)4224, st.HeldBytes);
        Assert.Equal((ulong)(4224 - 3100) * 1_000_000 / 4224, st.InternalFragmentationPpm);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        st = f.Heap.GetStatistics();
        Assert.Equal((nuint)100, st.RequestedBytes);
        Assert.Equal((nuint)3100, st.PeakRequestedBytes);
        Assert.Equal((nuint)4224, st.PeakHeldBytes);
        Assert.Equal((ulong)2, st.Allocations);
        Assert.Equal((ulong)1, st.Frees);
        Assert.Equal((ulong)1, st.LiveBlocks);
        Assert.Equal((nuint)(512 * 1024), st.LargestFreeBlock);
        _ = a;
    }
}

public unsafe class BuddyHeapLeanModeTests
{
    [Fact]
    public void Without_exact_requested_sizes_statistics_count_block_sizes()
    {
        using var f = new PureHeapFixture(4096, 9);
        Assert.Equal(HeapStatus.Ok, PureBuddyHeap.TryCreate(f.Region, 4096, 9, f.Metadata, f.MetadataBytes, out f.Heap, exactRequestedBytes: false));
        byte* a = f.Alloc(100);
        byte* b = f.Alloc(20);
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)(128 + 32), st.HeldBytes);
        Assert.Equal(st.HeldBytes, st.RequestedBytes);
        Assert.Equal((ulong)0, st.InternalFragmentationPpm);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetRequestedSize(a, out nuint requested));
        Assert.Equal((nuint)128, requested);
        new Span<byte>(a, 128).Fill(0x5A);
        f.Alloc(16);                                          // a's buddy region is taken: growth moves
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(a, 1000, out byte* moved));
        Assert.True(moved != a);
        Assert.True(new ReadOnlySpan<byte>(moved, 128).IndexOfAnyExcept((byte)0x5A) < 0);   // the whole old block came along
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(moved));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(b));
        f.AssertClean();
    }
}
