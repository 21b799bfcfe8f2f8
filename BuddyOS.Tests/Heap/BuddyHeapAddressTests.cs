using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>Exact addresses on small fresh heaps, in the spirit of the classic buddy-allocator suites.</summary>
public unsafe class BuddyHeapAddressTests
{
    [Fact]
    public void Successive_small_blocks_pack_from_the_region_start()
    {
        using var f = new PureHeapFixture(256, 5);          // blocks of 16, 32, 64, 128, 256
        Assert.Equal((nuint)0, f.Offset(f.Alloc(16)));
        Assert.Equal((nuint)16, f.Offset(f.Alloc(16)));
        Assert.Equal((nuint)32, f.Offset(f.Alloc(32)));
        Assert.Equal((nuint)64, f.Offset(f.Alloc(64)));
        Assert.Equal((nuint)128, f.Offset(f.Alloc(128)));
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryAllocate(1, 1, out _));
        f.AssertClean();
    }

    [Fact]
    public void Sizes_round_up_to_their_block_and_reuse_freed_space_lowest_order_first()
    {
        using var f = new PureHeapFixture(1024, 7);         // 16 .. 1024
        byte* a = f.Alloc(100);                         // 128-byte block at 0
        byte* b = f.Alloc(1);                           // 16 at 128
        byte* c = f.Alloc(17);                          // 32 at 160
        byte* d = f.Alloc(129);                         // 256 at 256
        Assert.Equal((nuint)0, f.Offset(a));
        Assert.Equal((nuint)128, f.Offset(b));
        Assert.Equal((nuint)160, f.Offset(c));
        Assert.Equal((nuint)256, f.Offset(d));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        Assert.Equal((nuint)128, f.Offset(f.Alloc(16)));   // the freed block comes straight back
        Assert.Equal((nuint)144, f.Offset(f.Alloc(16)));
        f.AssertClean();
    }

    [Fact]
    public void Alignment_folds_into_the_block_size()
    {
        using var f = new PureHeapFixture(4096, 9);
        byte* a = f.Alloc(16);
        byte* b = f.Alloc(16, 256);                     // a 256-byte block, the first 256-aligned free one
        Assert.Equal((nuint)0, f.Offset(a));
        Assert.Equal((nuint)256, f.Offset(b));
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(b, out nuint usable));
        Assert.Equal((nuint)256, usable);
    }

    [Fact]
    public void Freeing_in_any_order_merges_back_to_one_block()
    {
        using var f = new PureHeapFixture(4096, 9);
        var blocks = new List<nint>();
        for (int i = 0; i < 256; i++) blocks.Add((nint)f.Alloc(16));
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryAllocate(16, 1, out _));
        // Every second block first (no merges possible), then the rest (each merges all the way up it can).
        for (int i = 0; i < 256; i += 2) Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)blocks[i]));
        Assert.Equal((nuint)128, f.Heap.FreeBlockCount(0));
        f.AssertClean();
        for (int i = 1; i < 256; i += 2) Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)blocks[i]));
        f.AssertWhole();
    }

    [Fact]
    public void Kernel_sized_heap_serves_a_whole_region_allocation_and_returns_to_whole()
    {
        using var f = new PureHeapFixture(4u << 20, 19);
        byte* all = f.Alloc(4u << 20);
        Assert.True(all == f.Region);
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryAllocate(1, 1, out _));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(all));
        f.AssertWhole();
    }

    [Fact]
    public void Alignment_above_the_region_base_alignment_is_placed_for_small_blocks()
    {
        // A 4 MiB region aligned to 4096 only, like the kernel's .bss HEAP_BOTTOM.
        using var f = new PureHeapFixture(4u << 20, 19, regionAlignment: 4096);
        Assert.Equal((nuint)4096, f.Heap.BaseAlignment);
        for (nuint align = 16; align <= (1u << 20); align <<= 1)
        {
            Assert.Equal(HeapStatus.Ok, f.Heap.TryAllocate(24, align, out byte* p));
            Assert.Equal((nuint)0, (nuint)p % align);
        }
        f.AssertClean();
        // A block bigger than the base alignment can only ever sit at the base's alignment.
        Assert.Equal(HeapStatus.AlignmentTooLarge, f.Heap.TryAllocate(8192, 8192, out _));
    }
}
