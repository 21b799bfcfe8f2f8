using System.Runtime.InteropServices;
using BuddyOS.TestSupport.Baselines;
using Xunit;

namespace BuddyOS.Tests.Support;

/// <summary>
/// The textbook buddy is a baseline the benchmarks hold BuddyOS.Heap against, so it must itself be a
/// correct buddy allocator: exact split addresses, full merging, and no overlap under random use.
/// </summary>
public unsafe class TextbookBuddyTests : IDisposable
{
    private const nuint Size = 1024, MinBlock = 16;   // orders 0..6: 16 .. 1024 bytes
    private readonly byte* _region = (byte*)NativeMemory.AlignedAlloc(Size, 4096);
    private TextbookBuddy _heap;

    public TextbookBuddyTests() => _heap = TextbookBuddy.Create(_region, Size, MinBlock);

    public void Dispose()
    {
        _heap.Dispose();
        NativeMemory.AlignedFree(_region);
    }

    private nuint Offset(byte* p) => (nuint)(p - _region);

    [Fact]
    public void Fresh_heap_is_one_block_of_the_top_order()
    {
        Assert.Equal(7, _heap.Orders);
        for (int k = 0; k < 6; k++) Assert.Equal(0, _heap.FreeBlockCount(k));
        Assert.Equal(1, _heap.FreeBlockCount(6));
        Assert.Null(_heap.Validate());
    }

    [Fact]
    public void Splitting_hands_out_the_lower_half_at_exact_addresses()
    {
        Assert.Equal((nuint)0, Offset(_heap.Allocate(16, 8)));    // splits 1024 down to 16
        Assert.Equal((nuint)16, Offset(_heap.Allocate(16, 8)));   // the buddy left on order 0
        Assert.Equal((nuint)32, Offset(_heap.Allocate(32, 8)));
        Assert.Equal((nuint)64, Offset(_heap.Allocate(64, 8)));
        Assert.Equal((nuint)128, Offset(_heap.Allocate(1, 1)));   // splits 128 at 128 down to 16
        Assert.Equal((nuint)160, Offset(_heap.Allocate(20, 8)));  // rounded to 32: the order-1 half from that split
        Assert.Equal((nuint)256, Offset(_heap.Allocate(200, 8))); // 256
        Assert.Equal((nuint)512, Offset(_heap.Allocate(512, 8)));
        Assert.Null(_heap.Validate());
        // What is left: 144 (16) and 192 (64).
        Assert.Equal(1, _heap.FreeBlockCount(0));
        Assert.Equal(0, _heap.FreeBlockCount(1));
        Assert.Equal(1, _heap.FreeBlockCount(2));
        Assert.True(_heap.Allocate(128, 8) == null);
    }

    [Fact]
    public void Alignment_larger_than_size_picks_a_block_of_the_alignment()
    {
        Assert.Equal((nuint)0, Offset(_heap.Allocate(8, 8)));
        byte* aligned = _heap.Allocate(8, 256);
        Assert.Equal((nuint)256, Offset(aligned));
        Assert.True(_heap.Allocate(8, 2048) == null);   // larger than the heap
        Assert.True(_heap.Allocate(2048, 8) == null);
    }

    [Fact]
    public void Freeing_everything_merges_back_to_one_block_in_any_order()
    {
        var rng = new Random(5);
        for (int round = 0; round < 20; round++)
        {
            var blocks = new List<IntPtr>();
            byte* p;
            while ((p = _heap.Allocate(16, 8)) != null) blocks.Add((IntPtr)p);
            Assert.Equal(64, blocks.Count);
            foreach (IntPtr b in blocks.OrderBy(_ => rng.Next())) _heap.Free((byte*)b, 16, 8);
            for (int k = 0; k < 6; k++) Assert.Equal(0, _heap.FreeBlockCount(k));
            Assert.Equal(1, _heap.FreeBlockCount(6));
            Assert.Equal((nuint)0, Offset(_heap.Allocate(1024, 8)));
            _heap.Free(_region, 1024, 8);
        }
    }

    [Fact]
    public void Free_merges_only_with_its_own_buddy()
    {
        byte* a = _heap.Allocate(16, 8);   // 0
        byte* b = _heap.Allocate(16, 8);   // 16
        byte* c = _heap.Allocate(16, 8);   // 32
        _heap.Free(b, 16, 8);              // 16's buddy 0 is live: stays on order 0
        _heap.Free(c, 16, 8);              // 32's buddy 48 is free: merges to 32 at order 1
        Assert.Equal(1, _heap.FreeBlockCount(0));
        Assert.Equal(1, _heap.FreeBlockCount(1));
        Assert.Equal((nuint)32, Offset(_heap.Allocate(32, 8)));
        _heap.Free(_region + 32, 32, 8);
        _heap.Free(a, 16, 8);
        Assert.Equal(1, _heap.FreeBlockCount(6));
    }

    [Fact]
    public void Realloc_copies_the_prefix_and_frees_the_old_block()
    {
        byte* p = _heap.Allocate(16, 8);
        for (int i = 0; i < 16; i++) p[i] = (byte)i;
        byte* q = _heap.Reallocate(p, 16, 100, 8);
        Assert.True(q != null);
        Assert.Equal((nuint)128, Offset(q));
        for (int i = 0; i < 16; i++) Assert.Equal((byte)i, q[i]);
        Assert.True(_heap.Reallocate(q, 100, 4096, 8) == null);  // too large: old block kept
        Assert.Equal(3, q[3]);
        _heap.Free(q, 100, 8);
        Assert.Equal(1, _heap.FreeBlockCount(6));
    }

    [Fact]
    public void Random_alloc_free_never_overlaps_and_ends_whole()
    {
        const nuint big = 1 << 20;
        byte* region = (byte*)NativeMemory.AlignedAlloc(big, 4096);
        var heap = TextbookBuddy.Create(region, big, 16);
        try
        {
            var rng = new Random(42);
            var live = new List<(ulong Start, ulong Size, nuint Align, byte Tag)>();
            for (int step = 0; step < 20_000; step++)
            {
                if (live.Count == 0 || rng.Next(3) != 0)
                {
                    nuint size = (nuint)rng.Next(1, 5000);
                    nuint align = (nuint)8 << rng.Next(0, 5);
                    byte* p = heap.Allocate(size, align);
                    if (p == null) continue;
                    ulong s = (ulong)p;
                    Assert.Equal(0UL, s % align);
                    Assert.True(s >= (ulong)region && s + size <= (ulong)region + big);
                    foreach (var l in live) Assert.True(s + size <= l.Start || l.Start + l.Size <= s, "overlap");
                    byte tag = (byte)rng.Next(1, 255);
                    new Span<byte>(p, (int)size).Fill(tag);
                    live.Add((s, size, align, tag));
                }
                else
                {
                    int i = rng.Next(live.Count);
                    var l = live[i];
                    Assert.Equal(-1, new Span<byte>((byte*)l.Start, (int)l.Size).IndexOfAnyExcept(l.Tag));
                    heap.Free((byte*)l.Start, (nuint)l.Size, l.Align);
                    live.RemoveAt(i);
                }
                if (step % 1000 == 0) Assert.Null(heap.Validate());
            }
            foreach (var l in live) heap.Free((byte*)l.Start, (nuint)l.Size, l.Align);
            Assert.Null(heap.Validate());
            Assert.Equal(1, heap.FreeBlockCount(heap.Orders - 1));
            for (int k = 0; k < heap.Orders - 1; k++) Assert.Equal(0, heap.FreeBlockCount(k));
        }
        finally
        {
            heap.Dispose();
            NativeMemory.AlignedFree(region);
        }
    }
}
