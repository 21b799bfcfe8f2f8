using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// The status guarantee, layer by layer: every status other than Ok leaves the heap's metadata, and its region (the
/// placement keeps its stretch tags in free memory, poison lives there too), byte for byte as they were, and the
/// statistics with them. For the buddy core alone (PureBuddyHeap), the object cache, the placement, their composition
/// (BuddyHeap) and a set of heaps. (HeapCorrupted is the one status documented to give no such promise.)
/// </summary>
public unsafe class StatusGuaranteeTests
{
    private delegate HeapStatus Call<THeap>(ref THeap heap) where THeap : struct, IBuddyHeap;

    private static void Unchanged<THeap>(HeapFixture<THeap> f, HeapStatus expected, Call<THeap> call) where THeap : struct, IBuddyHeap
    {
        byte[] before = f.FullSnapshot();
        HeapStatistics stats = f.Heap.GetStatistics();
        Assert.Equal(expected, call(ref f.Heap));
        Assert.Equal(before, f.FullSnapshot());
        Assert.Equal(stats, f.Heap.GetStatistics());
        f.AssertClean();
    }

    /// <summary>A busy heap of either kind: a slot-sized block a, a run-sized block b, a small one, a freed block c.</summary>
    private static void Busy<THeap>(HeapFixture<THeap> f, out byte* a, out byte* b, out byte* c) where THeap : struct, IBuddyHeap
    {
        a = f.Alloc(100);
        b = f.Alloc(5000);
        f.Alloc(16);
        c = f.Alloc(700);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(c));
    }

    private static void EveryRequestAndPointerStatus<THeap>(HeapFixture<THeap> f) where THeap : struct, IBuddyHeap
    {
        Busy(f, out byte* a, out byte* b, out byte* c);
        byte* outside = stackalloc byte[16];
        nuint size = f.Size;
        foreach (var (s, align, expected) in new (nuint, nuint, HeapStatus)[]
        {
            (0, 16, HeapStatus.ZeroSize), (16, 0, HeapStatus.AlignmentNotPowerOfTwo), (16, 24, HeapStatus.AlignmentNotPowerOfTwo),
            (nuint.MaxValue, 16, HeapStatus.SizeOverflow), (16, size * 2, HeapStatus.AlignmentTooLarge),
            (size + 1, 1, HeapStatus.SizeTooLarge), (size, 1, HeapStatus.OutOfMemory), (size - 4096, 1, HeapStatus.OutOfMemory),
        })
        {
            Unchanged(f, expected, (ref THeap h) => h.TryAllocate(s, align, out _));
            Unchanged(f, expected, (ref THeap h) => h.TryAllocateZeroed(s, align, out _));
            if (expected != HeapStatus.OutOfMemory || s < size) Unchanged(f, expected, (ref THeap h) => h.TryReallocate(a, s, align, out _));
        }
        foreach (var (p, expected) in new (nint, HeapStatus)[]
        {
            (0, HeapStatus.NullPointer), ((nint)outside, HeapStatus.ForeignPointer), ((nint)(f.Region + size), HeapStatus.ForeignPointer),
            ((nint)(b + 1), HeapStatus.MisalignedPointer), ((nint)(b + 8), HeapStatus.MisalignedPointer),
            ((nint)(b + 16), HeapStatus.InteriorPointer), ((nint)(b + 4096), HeapStatus.InteriorPointer),
            ((nint)c, HeapStatus.DoubleFree), ((nint)(f.Region + size - 256), HeapStatus.DoubleFree),
        })
        {
            Unchanged(f, expected, (ref THeap h) => h.Free((byte*)p));
            Unchanged(f, expected, (ref THeap h) => h.TryReallocate((byte*)p, 10, out _));
            Unchanged(f, expected, (ref THeap h) => h.TryGetUsableSize((byte*)p, out _));
            Unchanged(f, expected, (ref THeap h) => h.TryGetRequestedSize((byte*)p, out _));
        }
        Unchanged(f, HeapStatus.ZeroSize, (ref THeap h) => h.TryReallocate(b, 0, out _));
    }

    [Fact]
    public void The_buddy_core_alone_changes_nothing_on_any_status()
    {
        using var f = new PureHeapFixture(64 * 1024, 13);
        EveryRequestAndPointerStatus(f);
    }

    [Fact]
    public void The_layered_heap_changes_nothing_on_any_status()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        EveryRequestAndPointerStatus(f);
    }

    [Fact]
    public void The_layered_heap_without_checks_changes_nothing_on_any_status()
    {
        using var f = new HeapFixture(64 * 1024, 13, checks: false);
        EveryRequestAndPointerStatus(f);
    }

    [Fact]
    public void Object_cache_statuses_change_nothing()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* a = f.Alloc(48), b = f.Alloc(48), c = f.Alloc(48);   // slots 0, 1, 2 of one class-48 slab
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(b));
        Unchanged(f, HeapStatus.DoubleFree, (ref BuddyHeap h) => h.Free(b));
        Unchanged(f, HeapStatus.DoubleFree, (ref BuddyHeap h) => h.Free(c + 48));          // never handed out
        Unchanged(f, HeapStatus.InteriorPointer, (ref BuddyHeap h) => h.Free(a + 16));
        Unchanged(f, HeapStatus.InteriorPointer, (ref BuddyHeap h) => h.Free(a + 85 * 48)); // the slab's tail
        Unchanged(f, HeapStatus.MisalignedPointer, (ref BuddyHeap h) => h.Free(a + 8));
        // A write to a freed slot: the listed slab's slot is refused where it would be handed out.
        b[47] = 1;
        Unchanged(f, HeapStatus.UseAfterFree, (ref BuddyHeap h) => h.TryAllocate(40, 8, out _));
        b[47] = BuddyHeap.PoisonByte;
    }

    [Fact]
    public void A_use_after_free_on_a_fresh_slab_takes_no_block()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* first = f.Alloc(4096);                    // a run: the slab a new class would take is this memory
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(first));
        first[100] = 7;                                 // written while free
        Unchanged(f, HeapStatus.UseAfterFree, (ref BuddyHeap h) => h.TryAllocate(24, 8, out _));
        first[100] = BuddyHeap.PoisonByte;
        Assert.True(f.Alloc(24) == first);
        f.AssertClean();
    }

    [Fact]
    public void Placement_statuses_change_nothing()
    {
        using var f = new HeapFixture(64 * 1024, 13);
        byte* run = f.Alloc(5000), pin = f.Alloc(20000);
        Unchanged(f, HeapStatus.InteriorPointer, (ref BuddyHeap h) => h.Free(run + 4096));   // a later leaf of the run
        Unchanged(f, HeapStatus.InteriorPointer, (ref BuddyHeap h) => h.Free(run + 256));
        Unchanged(f, HeapStatus.MisalignedPointer, (ref BuddyHeap h) => h.Free(run + 4));
        Unchanged(f, HeapStatus.OutOfMemory, (ref BuddyHeap h) => h.TryAllocate(41000, 16, out _));   // no stretch that long
        Unchanged(f, HeapStatus.OutOfMemory, (ref BuddyHeap h) => h.TryReallocate(run, 45000, out _)); // nor room to grow
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(run));
        Unchanged(f, HeapStatus.DoubleFree, (ref BuddyHeap h) => h.Free(run));
        run[3000] = 9;                                  // a write into the free stretch
        Unchanged(f, HeapStatus.UseAfterFree, (ref BuddyHeap h) => h.TryAllocate(5000, 16, out _));
        run[3000] = BuddyHeap.PoisonByte;
        Assert.True(f.Alloc(5000) == run);
        Assert.Equal(HeapStatus.Ok, f.Heap.Free(pin));
    }

    [Fact]
    public void Creation_statuses_write_no_storage()
    {
        byte* region = (byte*)NativeMemory.AlignedAlloc(8192, 8192);
        byte* meta = (byte*)NativeMemory.AlignedAlloc(1 << 16, 16);
        try
        {
            new Span<byte>(meta, 1 << 16).Fill(0x5A);
            nuint layered = BuddyHeap.MetadataBytes(8192, 10), pure = PureBuddyHeap.MetadataBytes(8192, 10);
            Assert.Equal(HeapStatus.MetadataTooSmall, BuddyHeap.TryCreate(region, 8192, 10, meta, layered - 1, out _));
            Assert.Equal(HeapStatus.InvalidConfiguration, BuddyHeap.TryCreate(region + 16, 8192, 10, meta, layered, out _));
            Assert.Equal(HeapStatus.InvalidConfiguration, BuddyHeap.TryCreate(region, 8192, 9, meta, layered, out _));
            Assert.Equal(HeapStatus.MetadataTooSmall, PureBuddyHeap.TryCreate(region, 8192, 10, meta, pure - 1, out _));
            Assert.Equal(HeapStatus.InvalidConfiguration, PureBuddyHeap.TryCreate(region, 8192, 10, region + 4096, pure, out _));
            Assert.True(new ReadOnlySpan<byte>(meta, 1 << 16).IndexOfAnyExcept((byte)0x5A) < 0, "a failed TryCreate wrote its storage");
        }
        finally
        {
            NativeMemory.AlignedFree(region);
            NativeMemory.AlignedFree(meta);
        }
    }

    [Fact]
    public void A_heap_set_checks_every_status_and_changes_nothing_on_one()
    {
        byte* table = (byte*)NativeMemory.AlignedAlloc(BuddyHeapSet.MetadataBytes(2), 16);
        byte* mem = (byte*)NativeMemory.AlignedAlloc(1 << 16, 1 << 16);
        try
        {
            Assert.Equal(HeapStatus.Ok, BuddyHeapSet.TryCreate(table, BuddyHeapSet.MetadataBytes(2), 2, out BuddyHeapSet set));
            nuint bytes = BuddyHeapSet.MetadataBytesForRange(mem, 8192);
            byte* meta = (byte*)NativeMemory.AlignedAlloc(bytes, 16);
            Assert.Equal(HeapStatus.MetadataTooSmall, set.AddRange(mem, 8192, meta, bytes - 1, out int added));
            Assert.Equal(0, added);
            Assert.Equal(HeapStatus.Ok, set.AddRange(mem, 8192, meta, bytes, out added));
            Assert.Equal(1, added);
            byte[] before = new ReadOnlySpan<byte>(table, (int)BuddyHeapSet.MetadataBytes(2)).ToArray();
            byte* outside = stackalloc byte[16];
            Assert.Equal(HeapStatus.InvalidConfiguration, set.AddRange(mem, 8192, meta, bytes, out _));   // overlaps
            Assert.Equal(HeapStatus.ForeignPointer, set.Free(outside));
            Assert.Equal(HeapStatus.NullPointer, set.TryReallocate(null, 10, out _));
            Assert.Equal(HeapStatus.SizeTooLarge, set.TryAllocate(1 << 16, 1, out _));
            byte* p = set.Allocate(6000, 16), pin = set.Allocate(1000, 16);
            Assert.True(p != null && pin != null);
            before = new ReadOnlySpan<byte>(table, (int)BuddyHeapSet.MetadataBytes(2)).ToArray();
            HeapStatistics stats = set.GetStatistics();
            Assert.Equal(HeapStatus.OutOfMemory, set.TryReallocate(p, 7000, out byte* q));           // no region has room
            Assert.True(q == null);
            Assert.Equal(before, new ReadOnlySpan<byte>(table, (int)BuddyHeapSet.MetadataBytes(2)).ToArray());
            Assert.Equal(stats, set.GetStatistics());
            Assert.Equal(HeapStatus.Ok, set.Free(p));
            Assert.Equal(HeapStatus.Ok, set.Free(pin));
            Assert.True(set.Validate(out _).IsClean);
            NativeMemory.AlignedFree(meta);
        }
        finally
        {
            NativeMemory.AlignedFree(table);
            NativeMemory.AlignedFree(mem);
        }
    }
}
