using System.Numerics;
using BuddyOS.Heap;
using Xunit.Abstractions;

namespace BuddyOS.Tests.Heap;

/// <summary>
/// Long random sequences of allocate / free / reallocate checked against a simple reference model: blocks
/// never overlap, alignment holds, contents survive reallocation (each block is filled with its own byte),
/// every statistic is exact, Validate() stays clean, and freeing everything leaves one whole block.
/// Each run is seeded; a failure names its seed and step. Set BUDDYOS_SEED to replay one seed.
/// </summary>
public unsafe class BuddyHeapModelTests(ITestOutputHelper output)
{
    private sealed class Live
    {
        public nint Address;
        public nuint Requested;
        public nuint Alignment;       // what the address must honour
        public nuint BlockAlignment;  // the alignment the block size was chosen for (1 after a reallocation)
        public nuint Held;            // its block's size, or its slot's size class
        public bool InSlab;
        public byte Fill;
    }

    public static TheoryData<int, uint, bool, bool> Runs()
    {
        // Four seeds x 250,000 operations = 1,000,000 in the default run, on two region alignments, for the pure
        // buddy and for the buddy with its object cache each, every debug check on; and two more seeds with the
        // checks off, the paths a kernel without heap.checks=on runs.
        var data = new TheoryData<int, uint, bool, bool>();
        string? replay = Environment.GetEnvironmentVariable("BUDDYOS_SEED");
        if (replay != null) { data.Add(int.Parse(replay), 4096, false, true); data.Add(int.Parse(replay), 4096, true, true); return data; }
        foreach (bool cache in new[] { false, true })
        {
            data.Add(1, 0, cache, true);
            data.Add(2, 4096, cache, true);
            data.Add(3, 0, cache, true);
            data.Add(4, 4096, cache, true);
            data.Add(5, 4096, cache, false);
        }
        data.Add(6, 0, true, false);
        return data;
    }

    // The object cache's size classes, written out here as the model's own statement of them.
    private static readonly int[] SlabClasses = { 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512 };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Random_operations_match_the_reference_model(int seed, uint regionAlignment, bool objectCache, bool checks)
    {
        if (objectCache)
        {
            using var layered = new HeapFixture(Size, 17, regionAlignment, checks);
            Run(layered, seed, objectCache);
        }
        else
        {
            using var pure = new PureHeapFixture(Size, 17, regionAlignment, checks);
            Run(pure, seed, objectCache);
        }
    }

    private const nuint Size = 1u << 20;

    private void Run<THeap>(HeapFixture<THeap> f, int seed, bool objectCache) where THeap : struct, IBuddyHeap
    {
        const int Steps = 250_000;
        var rng = new Random(seed);
        var live = new List<Live>();
        var byAddress = new SortedList<nint, Live>();
        nuint requested = 0, held = 0, peakRequested = 0, peakHeld = 0;
        ulong allocs = 0, frees = 0, reallocs = 0, ooms = 0;
        int step = 0;

        void Check(bool ok, string what)
        {
            if (!ok) Assert.Fail($"seed {seed}, step {step}: {what}");
        }

        nuint BlockFor(nuint size, nuint align)
        {
            nuint need = align <= f.Heap.BaseAlignment && align > size ? align : size;
            need = (nuint)BitOperations.RoundUpToPowerOf2((ulong)need);
            return need < 16 ? 16 : need;
        }

        // The slot size a request gets from the cache (a class that is a multiple of an alignment up to 256), or 0.
        nuint SlotFor(nuint size, nuint align)
            => objectCache && align <= 256 ? (nuint)SlabClasses.FirstOrDefault(c => (nuint)c >= size && (nuint)c % align == 0) : 0;

        // With the object cache, everything that is no slot is a run: its request rounded up to the 256-byte granule.
        nuint TrimmedFor(nuint size, nuint align) => objectCache ? (size + 255) & ~(nuint)255 : BlockFor(size, align);

        nuint HeldFor(nuint size, nuint align) => SlotFor(size, align) is var slot and not 0 ? slot : TrimmedFor(size, align);

        void Fill(Live b) => new Span<byte>((void*)b.Address, (int)b.Requested).Fill(b.Fill);

        void Verify(Live b, nuint length)
            => Check(new ReadOnlySpan<byte>((void*)b.Address, (int)length).IndexOfAnyExcept(b.Fill) < 0,
                $"contents of block at offset {b.Address - (nint)f.Region} changed");

        void Add(Live b)
        {
            nuint block = b.Held;
            Check((nuint)b.Address % b.Alignment == 0, $"alignment {b.Alignment} not held");
            Check(b.Address >= (nint)f.Region && (nuint)(b.Address - (nint)f.Region) + block <= Size, "outside region");
            int i = ~byAddress.Keys.BinarySearchIndex(b.Address);
            Check(i >= 0, "address handed out twice");
            if (i > 0)
            {
                Live prev = byAddress.Values[i - 1];
                Check(prev.Address + (nint)prev.Held <= b.Address, "overlaps the block below");
            }
            if (i < byAddress.Count) Check(b.Address + (nint)block <= byAddress.Keys[i], "overlaps the block above");
            byAddress.Add(b.Address, b);
            live.Add(b);
            requested += b.Requested;
            held += block;
            peakRequested = requested > peakRequested ? requested : peakRequested;
            peakHeld = held > peakHeld ? held : peakHeld;
        }

        void Remove(int index)
        {
            Live b = live[index];
            live[index] = live[^1];
            live.RemoveAt(live.Count - 1);
            byAddress.Remove(b.Address);
            requested -= b.Requested;
            held -= b.Held;
        }

        nuint RandomSize() => rng.Next(10) switch
        {
            < 6 => (nuint)rng.Next(1, 65),
            < 9 => (nuint)rng.Next(1, 2049),
            _ => (nuint)rng.Next(1, 65537),
        };

        nuint RandomAlignment() => rng.Next(10) switch
        {
            < 6 => 1,
            < 9 => (nuint)1 << rng.Next(0, 13),
            _ => (nuint)1 << rng.Next(13, 17),     // above a 4096-aligned region's base: placement
        };

        for (step = 0; step < Steps; step++)
        {
            int action = rng.Next(10);
            if (live.Count == 0 || action < 4 || (action < 5 && live.Count < 200))
            {
                nuint size = RandomSize(), align = RandomAlignment();
                bool zeroed = rng.Next(8) == 0;
                HeapStatus st = zeroed ? f.Heap.TryAllocateZeroed(size, align, out byte* p) : f.Heap.TryAllocate(size, align, out p);
                if (st == HeapStatus.OutOfMemory)
                {
                    ooms++;
                    Check(p == null, "null on failure");
                    // For a slot: no slab had room, and no 4 KiB block was free even after the spare slabs went back.
                    if (align <= f.Heap.BaseAlignment)
                        Check(f.Heap.GetStatistics().LargestFreeBlock < (SlotFor(size, align) != 0 ? 4096 : BlockFor(size, align)),
                            "out of memory with a large enough free block");
                    continue;
                }
                if (st == HeapStatus.AlignmentTooLarge)
                {
                    Check(align > f.Heap.BaseAlignment && BlockFor(size, align) > f.Heap.BaseAlignment, "alignment wrongly refused");
                    continue;
                }
                Check(st == HeapStatus.Ok, $"allocate({size}, {align}) -> {st}");
                var b = new Live
                {
                    Address = (nint)p, Requested = size, Alignment = align, BlockAlignment = align, Fill = (byte)rng.Next(1, 256),
                    Held = HeldFor(size, align), InSlab = SlotFor(size, align) != 0,
                };
                if (zeroed) Check(new ReadOnlySpan<byte>(p, (int)size).IndexOfAnyExcept((byte)0) < 0, "zeroed block not zero");
                Add(b);
                Fill(b);
                allocs++;
            }
            else if (action < 8)
            {
                int index = rng.Next(live.Count);
                Live b = live[index];
                Verify(b, b.Requested);
                Check(f.Heap.Free((byte*)b.Address) == HeapStatus.Ok, "free");
                Remove(index);
                frees++;
            }
            else
            {
                int index = rng.Next(live.Count);
                Live b = live[index];
                nuint newSize = RandomSize();
                // Half the time the overload that keeps the block's alignment (Rust's realloc), else C's realloc.
                nuint keep = rng.Next(2) == 0 ? b.Alignment : 1;
                HeapStatus st = keep == 1 ? f.Heap.TryReallocate((byte*)b.Address, newSize, out byte* q)
                    : f.Heap.TryReallocate((byte*)b.Address, newSize, keep, out q);
                if (st == HeapStatus.OutOfMemory) { ooms++; Verify(b, b.Requested); continue; }
                if (st == HeapStatus.AlignmentTooLarge)
                {
                    Check(keep > f.Heap.BaseAlignment && BlockFor(newSize, keep) > f.Heap.BaseAlignment, "alignment wrongly refused");
                    Verify(b, b.Requested);
                    continue;
                }
                Check(st == HeapStatus.Ok, $"reallocate -> {st}");
                nuint kept = b.Requested < newSize ? b.Requested : newSize;
                nuint oldBlock = b.Held;
                bool moved = q != (byte*)b.Address;
                if (moved)
                {
                    // A move holds both blocks for a moment, and the peaks see it.
                    peakRequested = requested + newSize > peakRequested ? requested + newSize : peakRequested;
                    peakHeld = held + HeldFor(newSize, keep) > peakHeld ? held + HeldFor(newSize, keep) : peakHeld;
                }
                Remove(index);
                // A slot stays in place exactly when the new size has the same class; a buddy block when it shrinks
                // (and it stays a buddy block then, even below the cache's limit).
                if (b.InSlab) Check(moved == (SlotFor(newSize, keep) != b.Held), "a slot moved within its class, or stayed outside it");
                // (a run of the object cache's heap that shrinks may move into a free hole that fits it better).
                else if (TrimmedFor(newSize, keep) <= oldBlock) Check(!moved || (objectCache && newSize > 512), "a shrinking reallocation moved");
                nuint newHeld = moved ? HeldFor(newSize, keep) : b.InSlab ? b.Held : TrimmedFor(newSize, keep);
                // In place, the block keeps its address and so any alignment; moved, it is aligned to its slot
                // size's lowest bit, to the 256-byte granule (a run of the object cache's heap) or naturally to its
                // block size (the pure buddy): as with C's realloc, an over-alignment asked at allocation is not
                // remembered by this overload.
                nuint natural = objectCache ? 256 : BlockFor(newSize, 1);
                nuint movedAlignment = SlotFor(newSize, 1) is var slot and not 0 ? slot & (0 - slot)
                    : natural < f.Heap.BaseAlignment ? natural : f.Heap.BaseAlignment;
                var nb = new Live
                {
                    Address = (nint)q, Requested = newSize, Fill = b.Fill, BlockAlignment = 1,
                    Alignment = moved && keep == 1 ? movedAlignment : b.Alignment,
                    Held = newHeld, InSlab = moved ? SlotFor(newSize, keep) != 0 : b.InSlab,
                };
                Verify(nb, kept);
                Add(nb);
                Fill(nb);
                reallocs++;
            }

            HeapStatistics stats = f.Heap.GetStatistics();
            Check(stats.RequestedBytes == requested, $"requested {stats.RequestedBytes} != model {requested}");
            Check(stats.HeldBytes == held, $"held {stats.HeldBytes} != model {held}");
            Check(stats.FreeBytes + stats.HeldBytes + stats.CachedBytes == Size, "free + held + cached is not the heap");
            if (step % 10_000 == 0)
            {
                HeapViolation v = f.Heap.Validate();
                Check(v.IsClean, $"{ViolationNames.Name(v.Kind)} at offset {v.Offset} order {v.Order}");
            }
        }

        HeapStatistics end = f.Heap.GetStatistics();
        Assert.Equal(allocs, end.Allocations);
        Assert.Equal(frees, end.Frees);
        Assert.Equal(reallocs, end.Reallocations);
        Assert.Equal(peakRequested, end.PeakRequestedBytes);
        Assert.Equal(peakHeld, end.PeakHeldBytes);
        f.AssertClean();
        while (live.Count > 0)
        {
            Verify(live[^1], live[^1].Requested);
            Assert.Equal(HeapStatus.Ok, f.Heap.Free((byte*)live[^1].Address));
            Remove(live.Count - 1);
        }
        f.AssertWhole();
        output.WriteLine($"seed {seed}: {allocs} allocations, {frees} frees, {reallocs} reallocations, {ooms} out of memory, peak held {peakHeld}");
        Assert.True(allocs > Steps / 4 && reallocs > Steps / 10, "the mix exercised every operation");
    }
}

internal static class SortedListExtensions
{
    /// <summary>Index of key, or the bitwise complement of where it would go.</summary>
    public static int BinarySearchIndex(this IList<nint> keys, nint key)
    {
        int lo = 0, hi = keys.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] == key) return mid;
            if (keys[mid] < key) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }
}
