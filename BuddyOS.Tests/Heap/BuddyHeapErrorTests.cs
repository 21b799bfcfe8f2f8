using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>Every bad input gets its own status and leaves the heap byte-for-byte unchanged.</summary>
public unsafe class BuddyHeapErrorTests
{
    private static void AssertUnchanged<THeap>(HeapFixture<THeap> f, byte[] before, HeapStatistics statsBefore) where THeap : struct, IBuddyHeap
    {
        Assert.Equal(before, f.Snapshot());
        Assert.Equal(statsBefore, f.Heap.GetStatistics());
        f.AssertClean();
    }

    private static PureHeapFixture Busy(out byte* a, out byte* b)
    {
        var f = new PureHeapFixture(64 * 1024, 13);
        a = f.Alloc(100);
        b = f.Alloc(5000);
        f.Alloc(16);
        return f;
    }

    [Theory]
    [InlineData(0UL, 16UL, HeapStatus.ZeroSize)]
    [InlineData(16UL, 0UL, HeapStatus.AlignmentNotPowerOfTwo)]
    [InlineData(16UL, 24UL, HeapStatus.AlignmentNotPowerOfTwo)]
    [InlineData(ulong.MaxValue, 16UL, HeapStatus.SizeOverflow)]
    [InlineData(ulong.MaxValue - 8, 16UL, HeapStatus.SizeOverflow)]
    [InlineData(16UL, 1UL << 63, HeapStatus.AlignmentTooLarge)]
    [InlineData(16UL, 128UL * 1024, HeapStatus.AlignmentTooLarge)]
    [InlineData(65537UL, 1UL, HeapStatus.SizeTooLarge)]
    [InlineData(1UL << 62, 1UL, HeapStatus.SizeTooLarge)]
    [InlineData(65536UL, 1UL, HeapStatus.OutOfMemory)]
    public void Bad_allocation_requests_get_their_own_status(ulong size, ulong align, HeapStatus expected)
    {
        using PureHeapFixture f = Busy(out _, out _);
        byte[] before = f.Snapshot();
        HeapStatistics stats = f.Heap.GetStatistics();
        Assert.Equal(expected, f.Heap.TryAllocate((nuint)size, (nuint)align, out byte* p));
        Assert.True(p == null);
        Assert.True(f.Heap.Allocate((nuint)size, (nuint)align) == null);
        Assert.Equal(expected, f.Heap.TryAllocateZeroed((nuint)size, (nuint)align, out _));
        AssertUnchanged(f, before, stats);
    }

    [Fact]
    public void Bad_frees_get_their_own_status()
    {
        using PureHeapFixture f = Busy(out byte* a, out byte* b);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        byte[] before = f.Snapshot();
        HeapStatistics stats = f.Heap.GetStatistics();
        byte* outside = stackalloc byte[16];

        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(a));
        Assert.Equal(HeapStatus.NullPointer, f.Heap.Free(null));
        Assert.Equal(HeapStatus.ForeignPointer, f.Heap.Free(outside));
        Assert.Equal(HeapStatus.ForeignPointer, f.Heap.Free(f.Region + f.Size));
        Assert.Equal(HeapStatus.ForeignPointer, f.Heap.Free(f.Region - 16));
        Assert.Equal(HeapStatus.MisalignedPointer, f.Heap.Free(b + 1));
        Assert.Equal(HeapStatus.MisalignedPointer, f.Heap.Free(b + 8));
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(b + 16));
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(b + 4096));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(f.Region + 60 * 1024));   // never allocated: free memory
        AssertUnchanged(f, before, stats);

        // The same pointers are refused by every other entry point that takes a block.
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.TryReallocate(a, 10, out byte* moved));
        Assert.True(moved == null);
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.TryReallocate(b + 16, 10, out _));
        Assert.Equal(HeapStatus.MisalignedPointer, f.Heap.TryGetUsableSize(b + 3, out _));
        Assert.Equal(HeapStatus.ForeignPointer, f.Heap.TryGetUsableSize(outside, out _));
        AssertUnchanged(f, before, stats);
    }

    [Fact]
    public void A_double_free_after_the_block_merged_is_still_refused()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(16);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));     // merges all the way back to one block
        byte[] before = f.Snapshot();
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(a));
        Assert.Equal(before, f.Snapshot());
        f.AssertWhole();
    }

    [Fact]
    public void Bad_reallocation_sizes_leave_the_block_valid()
    {
        using PureHeapFixture f = Busy(out byte* a, out _);
        byte[] before = f.Snapshot();
        HeapStatistics stats = f.Heap.GetStatistics();
        Assert.Equal(HeapStatus.ZeroSize, f.Heap.TryReallocate(a, 0, out _));
        Assert.Equal(HeapStatus.SizeTooLarge, f.Heap.TryReallocate(a, 1u << 20, out _));
        Assert.Equal(HeapStatus.SizeTooLarge, f.Heap.TryReallocate(a, nuint.MaxValue, out _));   // alignment 1: no overflow
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryReallocate(a, 60 * 1024, out _));
        AssertUnchanged(f, before, stats);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
    }

    [Fact]
    public void Validate_reports_a_corrupted_free_list()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(16);
        byte* b = f.Alloc(16);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        f.AssertClean();
        *(nint*)a = 12345;                               // a use-after-free scribbles on the free-list link
        HeapViolation v = f.Heap.Validate();
        Assert.Equal(ViolationKind.ListNodeOutOfPlace, v.Kind);
        Assert.Equal(0, v.Order);
        _ = b;
    }

    [Fact]
    public void Validate_reports_counters_that_disagree_with_the_tree()
    {
        using var f = new PureHeapFixture(4096, 9);
        f.Alloc(100);
        f.AssertClean();
        // Flip one free bit in the metadata's free bitmap: find a byte that changes Validate's verdict.
        byte[] snapshot = f.Snapshot();
        bool detected = false;
        for (int i = 0; i < snapshot.Length && !detected; i++)
        {
            byte saved = f.Metadata[i];
            f.Metadata[i] ^= 0x80;
            detected = !f.Heap.Validate().IsClean;
            f.Metadata[i] = saved;
        }
        Assert.True(detected);
        f.AssertClean();
    }

    [Fact]
    public void Bad_frees_inside_a_slab_get_their_own_status_and_change_nothing()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* a = f.Alloc(48), b = f.Alloc(48), c = f.Alloc(48);   // slots 0, 1, 2 of one class-48 slab
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        byte[] before = f.Snapshot();
        HeapStatistics stats = f.Heap.GetStatistics();

        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(b));                 // already free
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(c + 48));            // a slot never handed out
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(a + 16));       // inside a live object, 16-aligned
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(a + 85 * 48));  // the slab's tail, past its last slot
        Assert.Equal(HeapStatus.MisalignedPointer, f.Heap.Free(a + 8));
        Assert.Equal(HeapStatus.MisalignedPointer, f.Heap.Free(c + 1));
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.TryReallocate(a + 16, 10, out byte* q));
        Assert.True(q == null);
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.TryReallocate(b, 10, out _));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.TryGetUsableSize(b, out nuint usable));
        Assert.Equal((nuint)0, usable);
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.TryGetRequestedSize(c + 32, out _));
        Assert.Equal(HeapStatus.ZeroSize, f.Heap.TryReallocate(a, 0, out _));
        AssertUnchanged(f, before, stats);

        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(a, out usable));
        Assert.Equal((nuint)48, usable);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetRequestedSize(a, out nuint requested));
        Assert.Equal((nuint)48, requested);
    }

    [Fact]
    public void With_the_object_cache_out_of_memory_comes_only_after_the_spare_slabs_merged()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* small = f.Alloc(16);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(small));       // its slab stays as the class's spare
        HeapStatistics held = f.Heap.GetStatistics();
        Assert.Equal((nuint)4096, held.CachedBytes);
        Assert.Equal((nuint)32 * 1024, held.LargestFreeBlock);
        byte* whole = f.Alloc(64 * 1024);                      // needs the spare back in the buddy, merged
        Assert.True(whole == f.Region);
        Assert.Equal((nuint)0, f.Heap.GetStatistics().CachedBytes);
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryAllocate(16, 8, out _));   // no room for a slab now
        f.AssertClean();
    }
}
