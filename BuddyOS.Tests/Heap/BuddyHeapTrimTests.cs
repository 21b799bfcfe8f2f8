using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// Trimmed blocks (a heap with the object cache): a buddy allocation keeps its request rounded up to 256 bytes and
/// gives the rest of its power-of-two block back; a run goes to the smallest free stretch that holds it, across
/// free blocks of any size.
/// </summary>
public unsafe class BuddyHeapTrimTests
{
    private const nuint Size = 1u << 20;

    private static HeapFixture Cached(nuint size = Size) => new HeapFixture(size, BuddyHeap.OrdersFor(size));

    /// <summary>Allocates blocks of exactly these sizes (multiples of the granule) and checks that they lie one
    /// after the other from the region's start: a layout the placement tests then punch holes into.</summary>
    private static byte*[] Row(HeapFixture f, params nuint[] sizes)
    {
        var blocks = new byte*[sizes.Length];
        byte* expected = f.Region;
        for (int i = 0; i < sizes.Length; i++)
        {
            blocks[i] = f.Alloc(sizes[i]);
            Assert.True(blocks[i] == expected, $"block {i} of the row is not where the one before it ends");
            expected += sizes[i];
        }
        return blocks;
    }

    [Theory]
    [InlineData(513u, 768u)]      // 1 KiB block: 768 kept (512 + 256), 256 back
    [InlineData(5000u, 5120u)]    // 8 KiB block: 5120 kept (4096 + 1024), 3 KiB back
    [InlineData(65537u, 65792u)]  // 128 KiB block: 64 KiB + 256 kept
    [InlineData(1024u, 1024u)]    // a power of two: nothing to trim
    [InlineData(3000u, 3072u)]    // 2048 + 1024
    public void A_large_request_keeps_its_size_rounded_to_the_granule(uint request, uint kept)
    {
        using HeapFixture f = Cached();
        byte* p = f.Alloc(request);
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)kept, st.HeldBytes);
        Assert.Equal((nuint)request, st.RequestedBytes);
        Assert.Equal(Size - kept, st.FreeBytes);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(p, out nuint usable));
        Assert.Equal((nuint)kept, usable);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetRequestedSize(p, out nuint asked));
        Assert.Equal((nuint)request, asked);
        new Span<byte>(p, (int)request).Fill(0x5A);   // every requested byte is ours (poison checks would see an overlap)
        f.AssertClean();
        Assert.True(f.Heap.TryFindBlock(p + kept, out HeapBlock next));   // what follows was given back, or was never part
        Assert.True(next.IsFree && next.Start == p + kept);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }

    [Fact]
    public void A_tail_piece_is_an_interior_pointer_and_changes_nothing()
    {
        using HeapFixture f = Cached();
        byte* p = f.Alloc(5000);                      // head 4096 at p, tail piece 1024 at p + 4096
        byte[] before = f.Snapshot();
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(p + 4096));
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.TryGetUsableSize(p + 4096, out _));
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.TryReallocate(p + 4096, 100, out byte* moved));
        Assert.True(moved == null);
        Assert.Equal(HeapStatus.InteriorPointer, f.Heap.Free(p + 256));   // inside the head
        Assert.Equal(before, f.Snapshot());
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(p));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(p + 4096));
        f.AssertWhole();
    }

    [Fact]
    public void Find_and_walk_see_a_run_as_one_block()
    {
        using HeapFixture f = Cached();
        byte* a = f.Alloc(5000);
        byte* b = f.Alloc(2000);                      // 2048, right after a: the one free stretch's first granule
        byte* c = f.Alloc(7000);                      // 7168, right after b
        Assert.True(b == a + 5120 && c == b + 2048, "runs are packed from the start of the stretch");
        foreach ((nint at, nint startAddress, nuint size) in new (nint, nint, nuint)[] { (4500, (nint)a, 5120), (5119, (nint)a, 5120), (7167, (nint)c, 7168), (6200, (nint)c, 7168) })
        {
            byte* start = (byte*)startAddress, probe = start + at;
            Assert.True(f.Heap.TryFindBlock(probe, out HeapBlock block));
            Assert.False(block.IsFree);
            Assert.True(block.Start == start, $"offset {at}: start");
            Assert.Equal(size, block.Size);
            Assert.True(f.Heap.TryFindAllocatedBlock(probe, out byte* found) && found == start);
        }
        Assert.True(f.Heap.TryFindBlock(c + 7168, out HeapBlock after));   // just past the last run: free
        Assert.True(after.IsFree && after.Start == c + 7168);
        var seen = new List<(nint, nuint)>();
        foreach (HeapBlock block in f.Heap.AllocatedBlocks()) seen.Add(((nint)block.Start, block.Size));
        Assert.Equal(new[] { ((nint)a, (nuint)5120), ((nint)b, (nuint)2048), ((nint)c, (nuint)7168) }.OrderBy(x => x.Item1), seen);
        foreach (HeapBlock block in f.Heap.AllocatedBlocks()) Assert.Equal(HeapStatus.Ok, f.Heap.Free(block.Start));   // a sweep
        f.AssertWhole();
    }

    [Fact]
    public void Reallocation_shrinks_in_place_and_keeps_the_contents()
    {
        using HeapFixture f = Cached();
        byte* p = f.Alloc(7000);
        for (int i = 0; i < 7000; i++) p[i] = (byte)(i * 7);
        foreach (uint size in new uint[] { 6500, 5000, 4097, 4096, 3000, 700, 300, 200 })
        {
            Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, size, out byte* q));
            Assert.True(q == p, $"shrink to {size} moved");
            for (int i = 0; i < size; i++) Assert.Equal((byte)(i * 7), p[i]);
            Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(p, out nuint usable));
            nuint expected = size <= 256 ? 256 : ((nuint)size + 255) & ~(nuint)255;
            Assert.Equal(expected, usable);
            Assert.Equal(expected, f.Heap.GetStatistics().HeldBytes);
            f.AssertClean();
        }
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }

    [Fact]
    public void Reallocation_grows_a_plain_block_in_place_into_a_run()
    {
        using HeapFixture f = Cached();
        byte* p = f.Alloc(1024);
        for (int i = 0; i < 1024; i++) p[i] = (byte)i;
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, 2600, out byte* q));   // 1 KiB -> 4 KiB buddies free -> 2816 kept
        Assert.True(q == p);
        for (int i = 0; i < 1024; i++) Assert.Equal((byte)i, p[i]);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(p, out nuint usable));
        Assert.Equal((nuint)2816, usable);
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, 9000, out q));          // a run grows by moving
        for (int i = 0; i < 1024; i++) Assert.Equal((byte)i, q[i]);
        Assert.Equal((nuint)9216, f.Heap.GetStatistics().HeldBytes);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(q));
        f.AssertWhole();
    }

    [Fact]
    public void A_run_is_placed_across_free_blocks_when_no_power_of_two_is_free()
    {
        const nuint Small = 64 * 1024;
        using HeapFixture f = Cached(Small);
        byte* a = f.Alloc(16384), b = f.Alloc(16384), c = f.Alloc(16384), d = f.Alloc(16384);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(c));   // 32 KiB free in the middle, but as two 16 KiB blocks of different parents
        Assert.Equal((nuint)16384, f.Heap.GetStatistics().LargestFreeBlock);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryAllocate(24000, 16, out byte* run));   // 24064 kept: 16 KiB head + 8 KiB (and 256) tail
        Assert.True(run == b, "placed in the one free stretch that holds it");
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(run, out nuint usable));
        Assert.Equal((nuint)24064, usable);
        new Span<byte>(run, 24000).Fill(0x33);
        f.AssertClean();
        Assert.Equal(HeapStatus.OutOfMemory, f.Heap.TryAllocate(9000, 16, out _));   // 8 KiB - 256 left, no run fits
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
        foreach (byte* p in new[] { a, d }) Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }

    [Fact]
    public void A_run_goes_to_the_smallest_stretch_that_holds_it()
    {
        const nuint Small = 64 * 1024;
        using HeapFixture f = Cached(Small);
        // Holes of 12 KiB at 0 and 6 KiB at 16 KiB, the rest taken.
        byte*[] row = Row(f, 12288, 4096, 6144, Small - 12288 - 4096 - 6144);
        byte* a = row[0], pinA = row[1], b = row[2], rest = row[3];
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        byte* p = f.Alloc(5000);                               // 5120: fits both; the 6 KiB hole is the better fit
        Assert.True(p == b, "best fit: the smaller hole");
        byte* q = f.Alloc(7000);                               // 7168: only the 12 KiB hole holds it
        Assert.True(q == a);
        f.AssertClean();
        foreach (byte* x in new[] { p, q, pinA, rest }) Assert.Equal(HeapStatus.Ok, f.Heap.Free(x));
        f.AssertWhole();
    }

    [Fact]
    public void A_shrinking_run_moves_into_a_hole_that_fits_it_and_stays_when_none_does()
    {
        const nuint Small = 64 * 1024;
        using HeapFixture f = Cached(Small);
        byte*[] row = Row(f, 6144, 4096, 16384, Small - 6144 - 4096 - 16384);
        byte* hole = row[0], pin = row[1], p = row[2], rest = row[3];
        for (int i = 0; i < 16384; i++) p[i] = (byte)(i * 3);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, 15000, out byte* q));   // no hole yet: in place
        Assert.True(q == p, "no free hole: shrinks in place");
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(hole));                              // a 6 KiB hole below the pin
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, 5000, out q));           // 5120 fits the hole
        Assert.True(q == hole, "moved into the hole");
        for (int i = 0; i < 5000; i++) Assert.Equal((byte)(i * 3), q[i]);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(q, out nuint usable));
        Assert.Equal((nuint)5120, usable);
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(p));                        // where it was is free again
        f.AssertClean();
        foreach (byte* x in new[] { q, pin, rest }) Assert.Equal(HeapStatus.Ok, f.Heap.Free(x));
        f.AssertWhole();
    }

    [Theory]
    [InlineData(64u)]
    [InlineData(1024u)]
    [InlineData(4096u)]
    public void Reallocation_with_an_alignment_keeps_it_when_it_moves(uint alignment)
    {
        using HeapFixture f = Cached();
        byte* p = f.Alloc(100, alignment);
        byte* pin = f.Alloc(100, alignment);                 // no growth in place for p past a slot or its run
        for (int i = 0; i < 100; i++) p[i] = (byte)(i + 1);
        foreach (uint size in new uint[] { 700, 5000, 70000, 300 })
        {
            Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(p, size, alignment, out byte* q));
            Assert.True((nuint)q % alignment == 0, $"resized to {size}: {(nuint)q % alignment} past the alignment");
            for (int i = 0; i < 100; i++) Assert.Equal((byte)(i + 1), q[i]);
            p = q;
            f.AssertClean();
        }
        Assert.Equal(HeapStatus.AlignmentNotPowerOfTwo, f.Heap.TryReallocate(p, 100, 48, out byte* bad));
        Assert.True(bad == null);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(pin));
        f.AssertWhole();
    }

    [Fact]
    public void The_pure_buddy_does_not_trim()
    {
        using var f = new PureHeapFixture(Size, PureBuddyHeap.OrdersFor(Size));
        byte* p = f.Alloc(5000);
        Assert.Equal((nuint)8192, f.Heap.GetStatistics().HeldBytes);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }

    [Fact]
    public void Validate_finds_a_broken_run()
    {
        using HeapFixture f = Cached();
        byte[] before = f.Snapshot();
        byte* p = f.Alloc(5000);
        byte[] after = f.Snapshot();
        // The head's word in the size store holds the request, 5000: leaves cover 5120 bytes (4096 + 1024). (The
        // counters of requested bytes and their peak, in the header before it, say 5000 too.)
        byte[] word = BitConverter.GetBytes(5000UL);
        int at = Enumerable.Range(0, after.Length / 8).Select(i => i * 8)
            .Last(i => after.AsSpan(i, 8).SequenceEqual(word) && !before.AsSpan(i, 8).SequenceEqual(word));
        ulong* head = (ulong*)(f.Metadata + at);
        *head = 6000;                                 // a request the leaves (5120) do not cover
        Assert.Equal(ViolationKind.TrimmedRunBroken, f.Heap.Validate().Kind);
        *head = 4500;                                 // a request that needs 4608: the last leaf sticks out
        Assert.Equal(ViolationKind.TrimmedRunBroken, f.Heap.Validate().Kind);
        *head = 5000;
        head[1] = 7;                                  // a head word inside the run (the next granule): a stray head
        Assert.Equal(ViolationKind.TrimmedRunBroken, f.Heap.Validate().Kind);
        head[1] = 0;
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }
}
