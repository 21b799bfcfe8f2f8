using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// A run's slack (checks off, the paths a kernel without heap.checks=on runs): a run whose last free block reaches past
/// its kept length by at most that length takes the block whole while the heap has a free block of half its region.
/// The slack is counted as cached, never handed out, freed with the run, grown into in place, and given back when the
/// heap gets tight, by TrimObjectCache and before an allocation fails; every bad pointer is still its status.
/// </summary>
public unsafe class BuddyHeapSlackTests
{
    private const nuint Size = 256 * 1024;

    /// <summary>A heap with one run of 3000 B at 0 (an exact cut of the whole region: no slack) and then a run of 700 B,
    /// whose stretch starts with the 1 KiB block [3072, 4096): it keeps 768 B and takes the block whole, 256 B of slack.</summary>
    private static HeapFixture WithSlack(out byte* first, out byte* run)
    {
        var f = new HeapFixture(Size, 15, checks: false);
        first = f.Alloc(3000);
        run = f.Alloc(700, 256);
        Assert.True(run == first + 3072);
        return f;
    }

    [Fact]
    public void A_run_takes_its_last_block_whole_and_counts_the_rest_as_cached()
    {
        using HeapFixture f = WithSlack(out byte* first, out byte* run);
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)(3072 + 768), st.HeldBytes);
        Assert.Equal((nuint)(3000 + 700), st.RequestedBytes);
        Assert.Equal((nuint)256, st.CachedBytes);
        Assert.Equal(Size, st.FreeBytes + st.HeldBytes + st.CachedBytes);
        Assert.Equal(HeapStatus.Ok, f.Heap.TryGetUsableSize(run, out nuint usable));
        Assert.Equal((nuint)768, usable);
        // The slack is no block of its own: the walk gives the run, kept length, and steps over the slack.
        List<HeapBlock> blocks = f.Walk();
        Assert.Equal(2, blocks.Count);
        Assert.True(blocks[1].Start == run && blocks[1].Size == 768);
        Assert.True(f.Heap.TryFindBlock(run + 800, out HeapBlock slack) && slack.IsFree && slack.Start == run + 768 && slack.Size == 256);
        Assert.False(f.Heap.TryFindAllocatedBlock(run + 800, out _));
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(first));
        f.AssertWhole();
    }

    [Fact]
    public void Bad_pointers_to_a_run_with_slack_change_nothing()
    {
        using HeapFixture f = WithSlack(out _, out byte* run);
        foreach (var (p, expected) in new (nint, HeapStatus)[]
        {
            ((nint)(run + 768), HeapStatus.InteriorPointer), ((nint)(run + 256), HeapStatus.InteriorPointer),
            ((nint)(run + 8), HeapStatus.MisalignedPointer), ((nint)(run + 776), HeapStatus.MisalignedPointer),
        })
        {
            byte[] before = f.FullSnapshot();
            Assert.Equal(expected, f.Heap.Free((byte*)p));
            Assert.Equal(expected, f.Heap.TryReallocate((byte*)p, 900, out _));
            Assert.Equal(before, f.FullSnapshot());
        }
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
        byte[] freed = f.FullSnapshot();
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(run));
        Assert.Equal(HeapStatus.DoubleFree, f.Heap.Free(run + 768));   // the freed slack
        Assert.Equal(freed, f.FullSnapshot());
        f.AssertClean();
    }

    [Fact]
    public void A_run_grows_into_its_slack_in_place_and_shrinks_without_it()
    {
        using HeapFixture f = WithSlack(out byte* first, out byte* run);
        for (int i = 0; i < 700; i++) run[i] = (byte)i;
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(run, 1000, out byte* grown));
        Assert.True(grown == run);
        HeapStatistics st = f.Heap.GetStatistics();
        Assert.Equal((nuint)(3072 + 1024), st.HeldBytes);
        Assert.Equal((nuint)0, st.CachedBytes);
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.TryReallocate(run, 600, out byte* shrunk));
        Assert.True(shrunk == run);
        Assert.Equal((nuint)0, f.Heap.GetStatistics().CachedBytes);
        for (int i = 0; i < 600; i++) Assert.Equal((byte)i, run[i]);
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(first));
        f.AssertWhole();
    }

    [Fact]
    public void The_slack_goes_back_on_trim_when_the_heap_gets_tight_and_before_an_allocation_fails()
    {
        using (HeapFixture f = WithSlack(out _, out _))
        {
            Assert.Equal((nuint)256, f.Heap.TrimObjectCache());
            Assert.Equal((nuint)0, f.Heap.GetStatistics().CachedBytes);
            f.AssertClean();
        }
        using (HeapFixture f = WithSlack(out byte* first, out byte* run))
        {
            byte* pin = f.Alloc(Size / 2, 4096);   // over-aligned: a whole block, no slack; no free block of half the region is left
            Assert.Equal((nuint)256, f.Heap.GetStatistics().CachedBytes);
            byte* next = f.Alloc(1000);             // the next run placed gives the slack back first
            Assert.Equal((nuint)0, f.Heap.GetStatistics().CachedBytes);
            Assert.True(next == run + 768);         // into the slack given back: the best fit
            f.AssertClean();
            foreach (byte* p in new[] { pin, next, run, first }) Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
            f.AssertWhole();
        }
        using (HeapFixture f = WithSlack(out byte* first, out byte* run))
        {
            // Slabs fill the rest (they are no runs: the slack stays) until no 4 KiB block is left: the failing
            // allocation has given the slack back, and the heap is valid.
            var slots = new List<nint>();
            while (f.Heap.TryAllocate(16, 8, out byte* p) == HeapStatus.Ok) slots.Add((nint)p);
            Assert.Equal(IdleSlots(f), f.Heap.GetStatistics().CachedBytes);   // no slack left
            f.AssertClean();
            foreach (nint p in slots) Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)p));
            Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
            Assert.Equal(HeapStatus.Ok, f.Heap.Free(first));
            f.AssertWhole();
        }
    }

    /// <summary>The cached bytes that are the object cache's own (idle slots and spare slabs), from its classes.</summary>
    private static nuint IdleSlots(HeapFixture f)
    {
        nuint idle = 0;
        for (int i = 0; i < BuddyHeap.SlabClasses; i++)
        {
            f.Heap.GetSlabClass(i, out nuint slabs, out nuint live);
            idle += slabs * 4096 - live * (nuint)BuddyHeap.SlabClassSize(i);
        }
        return idle;
    }

    [Fact]
    public void A_tight_heap_keeps_no_slack()
    {
        using var f = new HeapFixture(Size, 15, checks: false);
        byte* half = f.Alloc(Size / 2 + 4096, 4096);   // over-aligned: no slack; no free block of half the region is left
        byte* first = f.Alloc(3000);
        byte* run = f.Alloc(700, 256);
        Assert.Equal((nuint)0, f.Heap.GetStatistics().CachedBytes);
        f.AssertClean();
        foreach (byte* p in new[] { half, first, run }) Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        f.AssertWhole();
    }
}
