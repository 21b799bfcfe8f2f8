using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// The heap's debug checks (HeapChecks, on in every HeapFixture): a write to freed memory is reported at the next
/// allocation of that memory, a damaged free-list link before anything is written through it, a broken counter
/// after the next free; and without the checks the same damage goes unseen.
/// </summary>
public unsafe class BuddyHeapDebugTests
{
    [Fact]
    public void Freed_memory_holds_the_poison_except_the_list_links()
    {
        using var f = new PureHeapFixture(4096, 8);
        byte* p = f.Alloc(256);
        for (int i = 0; i < 256; i++) p[i] = 0x11;
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        for (int i = 16; i < 256; i++) Assert.Equal(BuddyHeap.PoisonByte, p[i]);
        f.AssertWhole();
    }

    [Fact]
    public void A_write_after_free_is_caught_by_the_next_allocation_of_that_block()
    {
        using var f = new PureHeapFixture(4096, 8);
        byte* p = f.Alloc(64);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(p));
        p[40] = 7;                                        // the use after free
        byte[] before = f.Snapshot();
        HeapStatistics stats = f.Heap.GetStatistics();
        Assert.Equal(HeapStatus.UseAfterFree, f.Heap.TryAllocate(64, 16, out byte* again));
        Assert.True(again == null);
        Assert.Equal(before, f.Snapshot());               // the block went back: nothing changed
        Assert.Equal(stats.Allocations, f.Heap.GetStatistics().Allocations);
        Assert.Equal(HeapStatus.UseAfterFree, f.Heap.TryAllocate(64, 16, out _));   // and it is reported again
        p[40] = BuddyHeap.PoisonByte;                     // repaired: the same allocation succeeds
        Assert.True(f.Alloc(64) == p);
        f.AssertClean();
    }

    [Fact]
    public void Without_checks_the_same_write_goes_unseen()
    {
        using var f = new PureHeapFixture(4096, 8);
        Assert.Equal(HeapStatus.Ok, f.Heap.SetChecks(HeapChecks.None));
        byte* p = f.Alloc(64);
        f.Heap.Free(p);
        p[40] = 7;
        Assert.True(f.Alloc(64) == p);
        Assert.Equal(HeapChecks.None, f.Heap.Checks);
    }

    [Fact]
    public void A_damaged_list_link_is_reported_before_it_is_followed()
    {
        using var f = new PureHeapFixture(4096, 8);
        byte* a = f.Alloc(64), b = f.Alloc(64);           // b keeps a from merging: a sits alone on its list
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        *(nuint*)a = 0x10;                                // a use after free that hits the link (Next) itself
        Assert.Equal(HeapStatus.HeapCorrupted, f.Heap.TryAllocate(64, 16, out byte* c));
        Assert.True(c == null);
        byte[] before = f.Snapshot();
        Assert.Equal(HeapStatus.HeapCorrupted, f.Heap.Free(b));   // freeing b would merge a, unlinking through the damage
        Assert.Equal(before, f.Snapshot());                        // refused before anything changed
    }

    [Fact]
    public void A_write_to_a_freed_slot_is_caught_when_the_slot_is_handed_out_again()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* keep = f.Alloc(48), slot = f.Alloc(48);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(slot));
        Assert.Equal(BuddyHeap.PoisonByte, slot[47]);              // the whole slot, no link bytes in a slab
        byte[] before = f.Snapshot();
        slot[47] = 1;
        Assert.Equal(HeapStatus.UseAfterFree, f.Heap.TryAllocate(40, 8, out byte* again));
        Assert.True(again == null);
        Assert.Equal(before, f.Snapshot());                        // the slot stays free, nothing else changed
        slot[47] = BuddyHeap.PoisonByte;
        Assert.True(f.Alloc(40) == slot);
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(keep));
    }

    [Fact]
    public void Poison_turned_on_later_covers_the_free_slots_of_existing_slabs()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        Assert.Equal(HeapStatus.Ok, f.Heap.SetChecks(HeapChecks.None));
        byte* a = f.Alloc(24), b = f.Alloc(24);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(a));
        a[0] = 5;                                                   // written while no check ran: not a fault
        Assert.Equal(HeapStatus.Ok, f.Heap.SetChecks(HeapChecks.All));
        Assert.True(f.Alloc(24) == a);                             // the free slot was poisoned when the checks began
        Assert.NotEqual(HeapStatus.UseAfterFree, f.Heap.TryAllocate(24, 8, out _));
        f.AssertClean();
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
    }

    [Fact]
    public void A_write_to_the_spare_slab_is_caught_and_it_stays_the_spare()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* only = f.Alloc(32);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(only));            // its slab is now the class's spare
        only[0] = 1;
        Assert.Equal(HeapStatus.UseAfterFree, f.Heap.TryAllocate(32, 8, out _));
        f.AssertClean();                                           // an empty slab on the partial list would fail here
        only[0] = BuddyHeap.PoisonByte;
        Assert.True(f.Alloc(32) == only);
    }

    [Fact]
    public void A_broken_counter_is_reported_by_the_next_allocation()
    {
        // 4096 bytes in 8 orders (32-byte blocks): a 176-byte header, 8 list sentinels (128 bytes), then the
        // 8 per-order counters.
        const int CountersAt = 176 + 8 * 16;
        using var f = new PureHeapFixture(4096, 8);
        Assert.Equal((nuint)544, f.MetadataBytes);        // the layout this test pokes into
        byte* p = f.Alloc(16), q = f.Alloc(16);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(q));
        nuint* counters = (nuint*)(f.Metadata + CountersAt);
        Assert.Equal((nuint)1, counters[0]);              // q, free at order 0
        counters[0] = 0;                                  // the list is not empty, the counter says it is
        Assert.Equal(HeapStatus.HeapCorrupted, f.Heap.TryAllocate(2048, 16, out _));
    }

    [Fact]
    public void Every_fixture_heap_runs_all_checks()
    {
        // The reference-model test and the rest run through HeapFixture, so every one of their operations runs
        // the checks (a false report would fail them); this guards that the fixture really turns them on.
        using var f = new PureHeapFixture(4096, 8);
        Assert.Equal(HeapChecks.All, f.Heap.Checks);
    }
}
