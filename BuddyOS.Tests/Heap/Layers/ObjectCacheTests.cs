using System.Runtime.InteropServices;
using BuddyOS.Heap;
using Cache = BuddyOS.Heap.ObjectCache<BuddyOS.Heap.KernelSizeClasses, BuddyOS.Tests.Heap.Layers.CoreSlabSource>;

namespace BuddyOS.Tests.Heap.Layers;

/// <summary>
/// The object cache alone (Cache/ObjectCache.cs), its slabs taken straight from a buddy core: slots against a reference
/// model (no overlap, the class the policy names, the alignment, the requested size kept), the slab rules (a full slab
/// unlisted, at most one empty slab a class, the rest back to the core), its own validation, and each error status with
/// nothing changed.
/// </summary>
public sealed unsafe class ObjectCacheTests : IDisposable
{
    private const nuint Size = 256 * 1024;
    private readonly CoreFixture _core = new CoreFixture(Size, 15);
    private readonly byte* _storage;
    private readonly nuint _storageBytes;
    private readonly ObjectCacheState* _k;
    private CoreSlabSource _source;

    public ObjectCacheTests()
    {
        var cursor = new MetadataCursor();
        cursor.Take((nuint)sizeof(ObjectCacheState));
        nuint sizes = cursor.Take(Size >> 5);
        Cache.Reserve(ref cursor, Size, out nuint pages, out nuint classes, out nuint classOf, out nuint aligned);
        _storageBytes = cursor.At;
        _storage = (byte*)NativeMemory.AlignedAlloc(_storageBytes, 16);
        NativeMemory.Clear(_storage, _storageBytes);
        _k = (ObjectCacheState*)_storage;
        Cache.Initialize(_k, _storage, pages, classes, classOf, aligned, _storage + sizes);
        _source = new CoreSlabSource(_core.C);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_storage);
        _core.Dispose();
    }

    private byte[] Snapshot() => new ReadOnlySpan<byte>(_storage, (int)_storageBytes).ToArray().Concat(_core.Snapshot()).ToArray();

    private HeapStatus Take(nuint size, nuint alignment, out nuint offset)
    {
        offset = 0;
        int index = Cache.ClassFor(_k, size, alignment);
        Assert.True(index >= 0, $"no class for {size} at {alignment}");
        return Cache.Take(_k, ref _source, index, size, _core.Region, 0, out offset);
    }

    private HeapStatus Free(nuint offset, out nuint held, out nuint requested)
    {
        SlabPage* page = Cache.SlabAt(_k, offset);
        held = requested = 0;
        return page == null ? HeapStatus.ForeignPointer : Cache.Free(_k, ref _source, page, offset, out held, out requested);
    }

    private void AssertValid(out nuint held, out nuint requested)
    {
        held = requested = 0;
        nuint live = 0, slabs = 0;
        for (nuint page = 0; page < Size >> 12; page++)
        {
            if (_k->Pages[page].Class == 0) continue;
            HeapViolation v = Cache.ValidateSlab(_k, page << 12, ref held, ref requested, ref live);
            Assert.True(v.IsClean, $"{ViolationNames.Name(v.Kind)} at {v.Offset}");
            slabs++;
        }
        HeapViolation c = Cache.ValidateClasses(_k, Size, slabs);
        Assert.True(c.IsClean, $"{ViolationNames.Name(c.Kind)} at {c.Offset} class {c.Order}");
        _core.AssertValid();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Slots_match_the_reference_model(int seed)
    {
        var rng = new Random(seed);
        var live = new Dictionary<nuint, (nuint Held, nuint Requested)>();
        int[] classes = Enumerable.Range(0, BuddyHeap.SlabClasses).Select(BuddyHeap.SlabClassSize).ToArray();
        for (int step = 0; step < 20_000; step++)
        {
            if (live.Count == 0 || rng.Next(10) < 6)
            {
                nuint size = (nuint)rng.Next(1, 513), alignment = rng.Next(4) == 0 ? (nuint)1 << rng.Next(0, 9) : 8;
                if (Cache.ClassFor(_k, size, alignment) < 0)
                {
                    Assert.DoesNotContain(classes, c => c >= (int)size && c % (int)alignment == 0);
                    continue;
                }
                HeapStatus status = Take(size, alignment, out nuint offset);
                if (status == HeapStatus.OutOfMemory) continue;
                Assert.Equal(HeapStatus.Ok, status);
                nuint expected = (nuint)classes.First(c => c >= (int)size && c % (int)alignment == 0);
                SlabPage* page = Cache.SlabAt(_k, offset);
                Assert.True(page != null);
                Assert.Equal(expected, (nuint)BuddyHeap.SlabClassSize(page->Class - 1));
                Assert.Equal((nuint)0, ((nuint)_core.Region + offset) % alignment);
                Assert.Equal((nuint)0, (offset & 4095) % expected);
                foreach (var (other, value) in live)
                    Assert.True(offset + expected <= other || other + value.Held <= offset, "slots overlap");
                live.Add(offset, (expected, size));
            }
            else
            {
                nuint offset = live.Keys.ElementAt(rng.Next(live.Count));
                Assert.Equal(HeapStatus.Ok, Free(offset, out nuint held, out nuint requested));
                Assert.Equal(live[offset], (held, requested));
                live.Remove(offset);
            }
            if (step % 100 == 0)
            {
                AssertValid(out nuint heldAll, out nuint requestedAll);
                Assert.Equal(live.Values.Aggregate((nuint)0, (a, v) => a + v.Held), heldAll);
                Assert.Equal(live.Values.Aggregate((nuint)0, (a, v) => a + v.Requested), requestedAll);
                // At most one empty slab a class (its spare); every other slab holds a live object.
                for (int c = 1; c <= BuddyHeap.SlabClasses; c++)
                {
                    int empty = 0;
                    for (nuint page = 0; page < Size >> 12; page++)
                        if (_k->Pages[page].Class == c && _k->Pages[page].Live == 0) empty++;
                    Assert.True(empty <= 1, $"class {c}: {empty} empty slabs");
                }
                Assert.Equal(Cache.CachedBytes(_k),
                    Enumerable.Range(0, BuddyHeap.SlabClasses).Aggregate((nuint)0, (a, i) => a + (_k->Classes[i].Slabs << 12)) - heldAll);
            }
        }
        foreach (nuint offset in live.Keys) Assert.Equal(HeapStatus.Ok, Free(offset, out _, out _));
        Cache.ReleaseSpares(_k, ref _source);
        Assert.Equal((nuint)1, _core.C->FreeCounts[_core.C->Top]);   // every slab back and merged
        AssertValid(out _, out _);
    }

    [Fact]
    public void Bad_frees_inside_a_slab_get_their_own_status_and_change_nothing()
    {
        Assert.Equal(HeapStatus.Ok, Take(48, 8, out nuint a));
        Assert.Equal(HeapStatus.Ok, Take(48, 8, out nuint b));
        Assert.Equal(HeapStatus.Ok, Free(b, out _, out _));
        byte[] before = Snapshot();
        Assert.Equal(HeapStatus.DoubleFree, Free(b, out _, out _));
        Assert.Equal(HeapStatus.DoubleFree, Free(b + 48, out _, out _));           // never handed out
        Assert.Equal(HeapStatus.InteriorPointer, Free(a + 16, out _, out _));
        Assert.Equal(HeapStatus.InteriorPointer, Free(a + 85 * 48, out _, out _)); // the slab's tail
        Assert.Equal(HeapStatus.MisalignedPointer, Free(a + 8, out _, out _));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Out_of_memory_comes_after_the_spares_went_back_and_changes_nothing()
    {
        // Fill the core with slabs of class 512, keep one object in each, then free one slab's objects: it is the spare.
        var first = new List<nuint>();
        while (Take(512, 8, out nuint offset) == HeapStatus.Ok) first.Add(offset);
        Assert.Equal((int)(Size / 512), first.Count);
        for (int i = 0; i < 8; i++) Assert.Equal(HeapStatus.Ok, Free(first[i], out _, out _));   // slab 0 empty: the spare
        Assert.Equal((nuint)4096, Cache.CachedBytes(_k));
        Assert.Equal(HeapStatus.Ok, Take(16, 8, out _));   // another class needs a slab: the spare goes back first
        Assert.Equal(ObjectCacheState.NoSlab, _k->Classes[Cache.ClassFor(_k, 512, 8)].Spare);
        byte[] before = Snapshot();
        Assert.Equal(HeapStatus.OutOfMemory, Take(100, 8, out _));   // a class with no slab, no block left
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void The_policy_is_checked_and_its_classes_are_the_kernel_s()
    {
        Assert.True(Cache.PolicyValid());
        Assert.Equal(new[] { 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512 },
            Enumerable.Range(0, 16).Select(i => default(KernelSizeClasses).SizeOf(i)));
        Assert.False(ObjectCache<TooCoarse, CoreSlabSource>.PolicyValid());
    }

    /// <summary>A policy that breaks a rule: 48 is no multiple of 32 and 32 above the class before it, so a slot's slack
    /// would not fit its 4-bit entry.</summary>
    private struct TooCoarse : ISizeClasses
    {
        public readonly int Count => 2;
        public readonly int Limit => 48;
        public readonly int MaxAlignment => 16;
        public readonly int SizeOf(int index) => index == 0 ? 16 : 48;
    }
}
