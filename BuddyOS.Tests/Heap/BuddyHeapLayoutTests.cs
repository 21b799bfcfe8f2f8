using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

public unsafe class BuddyHeapLayoutTests
{
    [Fact]
    public void Kernel_configuration_metadata_is_a_fixed_known_size()
    {
        // The pure buddy, 4 MiB / 19 orders: split bitmap 32 KiB + free bitmap 64 KiB + slack store 128 KiB, then a header
        // with the 19 list sentinels and counters.
        Assert.Equal((nuint)(32768 + 65536 + 131072 + PureHeader), PureBuddyHeap.MetadataBytes(4u << 20, 19));
        // 32-byte minimum blocks: half the bitmap bits, but slack entries of 8 bits (an entry holds its block's slack).
        Assert.Equal((nuint)(16384 + 32768 + 131072 + PureHeader - 32), PureBuddyHeap.MetadataBytes(4u << 20, 18));
        // The kernel's heap: the same core and a size store of 4 bits per 16 bytes, plus the object cache's side table
        // (48 bytes per 4 KiB), its 16 classes and two small lookups, and the placement's 192 bins with their bitmap.
        nuint layered = BuddyHeap.MetadataBytes(4u << 20, 19);
        Assert.Equal((nuint)(32768 + 65536 + 131072 + LayeredHeader + 1024 * 48 + 16 * 48 + 32 + 64 + 1536 + 32), layered);
        Assert.True(layered * 100 <= (4u << 20) * 7, $"{layered} bytes of metadata: more than 7 % of the region");
    }

    // The header of each layout: the state struct and the list sentinels and counters (19 orders, rounded to 16).
    private const int PureHeader = 640, LayeredHeader = 688;

    [Theory]
    [InlineData(4u << 20, 18)]   // 32-byte minimum blocks: slots are 16-byte multiples
    [InlineData(2048u, 7)]       // smaller than one 4 KiB slab
    public void The_object_cache_needs_16_byte_blocks_and_room_for_a_slab(uint size, int orders)
    {
        Assert.NotEqual((nuint)0, PureBuddyHeap.MetadataBytes(size, orders));
        Assert.Equal((nuint)0, BuddyHeap.MetadataBytes(size, orders));
    }

    [Theory]
    [InlineData(4u << 20, 20)]   // 8-byte minimum block cannot hold a free-list node
    [InlineData(3000u, 4)]       // not a power of two
    [InlineData(4096u, 0)]
    [InlineData(4096u, 49)]
    public void Invalid_configurations_are_refused(uint size, int orders)
    {
        Assert.Equal((nuint)0, PureBuddyHeap.MetadataBytes(size, orders));
        Assert.Equal((nuint)0, BuddyHeap.MetadataBytes(size, orders));
        byte* meta = stackalloc byte[64];
        Assert.Equal(HeapStatus.InvalidConfiguration, PureBuddyHeap.TryCreate((byte*)0x100000, size, orders, meta, 64, out var h));
        Assert.False(h.IsCreated);
        Assert.Equal(HeapStatus.InvalidConfiguration, BuddyHeap.TryCreate((byte*)0x100000, size, orders, meta, 64, out var l));
        Assert.False(l.IsCreated);
    }

    [Fact]
    public void Misaligned_region_small_metadata_and_overlap_are_refused()
    {
        using var f = new PureHeapFixture(4096, 8);
        Assert.Equal(HeapStatus.InvalidConfiguration,
            PureBuddyHeap.TryCreate(f.Region + 16, 4096, 8, f.Metadata, f.MetadataBytes, out _));
        Assert.Equal(HeapStatus.MetadataTooSmall,
            PureBuddyHeap.TryCreate(f.Region, 4096, 8, f.Metadata, f.MetadataBytes - 1, out _));
        Assert.Equal(HeapStatus.InvalidConfiguration,
            PureBuddyHeap.TryCreate(f.Region, 4096, 8, f.Region + 2048, f.MetadataBytes, out _));
        using var g = new HeapFixture(8192, 10);
        Assert.Equal(HeapStatus.InvalidConfiguration, BuddyHeap.TryCreate(g.Region + 16, 8192, 10, g.Metadata, g.MetadataBytes, out _));
        Assert.Equal(HeapStatus.MetadataTooSmall, BuddyHeap.TryCreate(g.Region, 8192, 10, g.Metadata, g.MetadataBytes - 1, out _));
        Assert.Equal(HeapStatus.InvalidConfiguration, BuddyHeap.TryCreate(g.Region, 8192, 10, g.Region + 4096, g.MetadataBytes, out _));
    }

    [Fact]
    public void Fresh_heap_is_one_whole_block_and_hands_out_the_region_start_first()
    {
        using var f = new PureHeapFixture(4u << 20, 19);
        f.AssertWhole();
        Assert.Equal((nuint)16, f.Heap.MinBlockSize);
        Assert.True(f.Alloc(1) == f.Region);
    }

    [Theory]
    [InlineData(16u, 1)]
    [InlineData(4096u, 9)]
    [InlineData(4u << 20, 19)]
    public void OrdersFor_is_the_most_orders_a_size_allows(uint size, int expected)
    {
        Assert.Equal(expected, PureBuddyHeap.OrdersFor(size));
        Assert.NotEqual((nuint)0, PureBuddyHeap.MetadataBytes(size, expected));
        Assert.Equal((nuint)0, PureBuddyHeap.MetadataBytes(size, expected + 1));   // one more would need 8-byte blocks
    }

    [Fact]
    public void BlockSize_doubles_per_order_from_the_minimum_block_to_the_region()
    {
        using var f = new PureHeapFixture(1u << 20, 16);   // 2^20 >> 15: 32-byte minimum blocks
        Assert.Equal((nuint)32, f.Heap.MinBlockSize);
        for (int k = 0; k < f.Heap.Orders; k++)
            Assert.Equal(f.Heap.MinBlockSize << k, f.Heap.BlockSize(k));
        Assert.Equal(f.Size, f.Heap.BlockSize(f.Heap.Orders - 1));
        byte* p = f.Alloc(33);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(p, out nuint usable));
        Assert.Equal(f.Heap.BlockSize(1), usable);
    }
}
