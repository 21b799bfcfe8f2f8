using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// The collector's view of the heap: the block holding an address (start or interior) and the walk over every
/// allocated block in address order, checked against a reference model of live blocks, including frees made
/// during a walk (what a sweep does).
/// </summary>
public unsafe class BuddyHeapWalkTests
{
    [Fact]
    public void A_fresh_heap_is_one_free_block_and_walks_empty()
    {
        using var f = new PureHeapFixture(1u << 20, 17);
        Assert.Empty(f.Walk());
        foreach (nuint at in new nuint[] { 0, 1, 15, 16, 4096, (1u << 20) - 1 })
        {
            Assert.True(f.Heap.TryFindBlock(f.Region + at, out HeapBlock b));
            Assert.True(b.IsFree);
            Assert.True(b.Start == f.Region);
            Assert.Equal((nuint)(1u << 20), b.Size);
            Assert.Equal(16, b.Order);
            Assert.False(f.Heap.TryFindAllocatedBlock(f.Region + at, out byte* start));
            Assert.True(start == null);
        }
    }

    [Fact]
    public void Addresses_outside_the_region_find_nothing()
    {
        using var f = new PureHeapFixture(1u << 16, 12);
        f.Alloc(1u << 16);   // the whole region is one allocated block: only the bounds can say no
        Assert.False(f.Heap.TryFindBlock(null, out _));
        Assert.False(f.Heap.TryFindBlock(f.Region - 1, out _));
        Assert.False(f.Heap.TryFindBlock(f.Region + (1u << 16), out _));
        Assert.False(f.Heap.TryFindAllocatedBlock(f.Region + (1u << 16), out _));
        Assert.True(f.Heap.TryFindAllocatedBlock(f.Region + (1u << 16) - 1, out byte* start));
        Assert.True(start == f.Region);
    }

    [Fact]
    public void Every_byte_of_an_allocated_block_finds_its_start_and_no_other()
    {
        using var f = new PureHeapFixture(1u << 16, 13);   // 16-byte minimum blocks
        var sizes = new nuint[] { 16, 24, 100, 16, 1000, 4096, 33, 8000 };
        var blocks = sizes.Select(s => (Start: (nint)f.Alloc(s), Size: (nuint)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(16, (long)s)))).ToList();
        foreach (var (start, size) in blocks)
        {
            for (nuint i = 0; i < size; i++)
            {
                Assert.True(f.Heap.TryFindBlock((byte*)start + i, out HeapBlock b));
                Assert.False(b.IsFree);
                Assert.Equal(start, (nint)b.Start);
                Assert.Equal(size, b.Size);
                Assert.True(b.Contains((byte*)start + i));
            }
        }
        // Every other byte of the region lies in a free block.
        for (nuint at = 0; at < f.Size; at += 8)
        {
            bool inLive = blocks.Any(b => (nuint)((nint)f.Region + (nint)at - b.Start) < b.Size);
            Assert.True(f.Heap.TryFindBlock(f.Region + at, out HeapBlock b));
            Assert.Equal(!inLive, b.IsFree);
        }
        var walked = f.Walk();
        Assert.Equal(blocks.OrderBy(b => b.Start).Select(b => b.Start), walked.Select(b => (nint)b.Start));
        Assert.Equal(blocks.OrderBy(b => b.Start).Select(b => b.Size), walked.Select(b => b.Size));
    }

    [Theory]
    [InlineData(11, 0u, false)]
    [InlineData(12, 4096u, false)]
    [InlineData(13, 0u, true)]
    [InlineData(14, 4096u, true)]
    public void Finding_and_walking_agree_with_the_reference_model(int seed, uint regionAlignment, bool objectCache)
    {
        const nuint Size = 1u << 18;
        if (objectCache)
        {
            using var layered = new HeapFixture(Size, 15, regionAlignment);
            FindingAndWalking(layered, seed, Size);
        }
        else
        {
            using var pure = new PureHeapFixture(Size, 15, regionAlignment);
            FindingAndWalking(pure, seed, Size);
        }
    }

    private static void FindingAndWalking<THeap>(HeapFixture<THeap> f, int seed, nuint Size) where THeap : struct, IBuddyHeap
    {
        var rng = new Random(seed);
        var live = new SortedDictionary<nint, nuint>();   // start -> block size
        for (int step = 0; step < 20_000; step++)
        {
            if (live.Count == 0 || rng.Next(10) < 6)
            {
                nuint size = (nuint)(rng.Next(3) == 0 ? rng.Next(1, 5000) : rng.Next(1, 200));
                nuint align = rng.Next(8) == 0 ? (nuint)1 << rng.Next(4, 14) : 8;
                if (f.Heap.TryAllocate(size, align, out byte* p) != HeapStatus.Ok) continue;
                Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(p, out nuint usable));
                live.Add((nint)p, usable);
            }
            else
            {
                nint victim = live.Keys.ElementAt(rng.Next(live.Count));
                Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)victim));
                live.Remove(victim);
            }

            if (step % 500 == 0)
            {
                var walked = f.Walk();
                Assert.Equal(live.Keys, walked.Select(b => (nint)b.Start));
                Assert.Equal(live.Values, walked.Select(b => b.Size));
                Assert.All(walked, b => Assert.False(b.IsFree));
            }
            // A random address: inside a live block <=> found as that allocated block.
            nuint at = (nuint)rng.NextInt64((long)Size);
            nint addr = (nint)f.Region + (nint)at;
            var owner = live.Where(kv => (nuint)(addr - kv.Key) < kv.Value).ToList();
            bool found = f.Heap.TryFindAllocatedBlock((byte*)addr, out byte* start);
            Assert.Equal(owner.Count == 1, found);
            if (found) Assert.Equal(owner[0].Key, (nint)start);
        }
        f.AssertClean();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_sweep_may_free_blocks_during_the_walk_and_sees_each_block_once(bool objectCache)
    {
        if (objectCache)
        {
            using var layered = new HeapFixture(1u << 18, 15);
            Sweep(layered);
        }
        else
        {
            using var pure = new PureHeapFixture(1u << 18, 15);
            Sweep(pure);
        }
    }

    private static void Sweep<THeap>(HeapFixture<THeap> f) where THeap : struct, IBuddyHeap
    {
        var rng = new Random(7);
        var all = new List<nint>();
        while (f.Heap.TryAllocate((nuint)rng.Next(1, 300), 8, out byte* p) == HeapStatus.Ok && all.Count < 3000)
            all.Add((nint)p);
        var keep = new HashSet<nint>(all.Where((_, i) => i % 3 == 0));
        var visited = new List<nint>();
        foreach (HeapBlock b in new HeapWalk<THeap>(f.Heap))
        {
            visited.Add((nint)b.Start);
            if (!keep.Contains((nint)b.Start))
                Assert.Equal(HeapStatus.Ok, f.Heap.Free(b.Start));   // merges with free buddies; may empty its slab
        }
        Assert.Equal(all.OrderBy(a => a), visited);
        Assert.Equal(keep.OrderBy(a => a), f.Walk().Select(b => (nint)b.Start));
        f.AssertClean();
        foreach (nint a in keep) Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)a));
        f.AssertWhole();
    }

    [Fact]
    public void Inside_a_slab_each_slot_is_a_block_and_the_walk_visits_objects_not_the_slab()
    {
        using var f = new HeapFixture(1u << 16, 13);
        nint[] objects = Enumerable.Range(0, 10).Select(_ => (nint)f.Alloc(48)).ToArray();   // class 48: 85 slots in a 4 KiB slab
        Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)objects[3]));
        for (int i = 0; i < 10; i++)
        {
            for (int at = 0; at < 48; at += 7)
            {
                Assert.True(f.Heap.TryFindBlock((byte*)objects[i] + at, out HeapBlock b));
                Assert.Equal(objects[i], (nint)b.Start);
                Assert.Equal((nuint)48, b.Size);
                Assert.Equal(-1, b.Order);
                Assert.Equal(i == 3, b.IsFree);
                Assert.Equal(i != 3, f.Heap.TryFindAllocatedBlock((byte*)objects[i] + at, out byte* start));
                if (i != 3) Assert.Equal(objects[i], (nint)start);
            }
        }
        // The slab's 16-byte tail past its 85th slot is free and no object's.
        byte* tail = (byte*)objects[0] + 85 * 48;
        Assert.True(f.Heap.TryFindBlock(tail + 5, out HeapBlock t));
        Assert.True(t.IsFree && t.Start == tail && t.Size == 16);
        Assert.Equal(objects.Where((_, i) => i != 3), f.Walk().Select(b => (nint)b.Start));
        Assert.All(f.Walk(), b => Assert.Equal((nuint)48, b.Size));
    }
}
