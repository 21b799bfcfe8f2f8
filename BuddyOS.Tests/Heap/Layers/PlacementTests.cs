using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap.Layers;

/// <summary>
/// The placement alone (Placement/Placement.cs) over a buddy core: runs placed, freed, grown and shrunk against a
/// reference model of taken intervals. After every operation the bins hold exactly the model's free intervals (each a
/// stretch with a true tag), the core's free blocks are those intervals cut into the largest aligned blocks, every run
/// covers its request rounded to the granule, and each placement is a good fit: no stretch in a smaller bin held it.
/// </summary>
public sealed unsafe class PlacementTests : IDisposable
{
    private const nuint Size = 1u << 20;
    private readonly CoreFixture _core = new CoreFixture(Size, 17);
    private readonly byte* _storage;
    private readonly PlacementState* _p;

    public PlacementTests()
    {
        var cursor = new MetadataCursor();
        cursor.Take((nuint)sizeof(PlacementState));
        nuint sizes = cursor.Take(Size >> 5);
        Placement.Reserve(ref cursor, Size, out nuint heads, out nuint map);
        _storage = (byte*)NativeMemory.AlignedAlloc(cursor.At, 16);
        NativeMemory.Clear(_storage, cursor.At);
        _p = (PlacementState*)_storage;
        Placement.Initialize(_p, _core.C, _storage, heads, map, _storage + sizes);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_storage);
        _core.Dispose();
    }

    private readonly SortedDictionary<nuint, nuint> _runs = new();   // offset -> requested

    private List<(nuint Start, nuint End)> FreeIntervals()
    {
        var list = new List<(nuint, nuint)>();
        nuint at = 0;
        foreach (var (offset, requested) in _runs)
        {
            if (offset > at) list.Add((at, offset));
            at = offset + Placement.Kept(requested);
        }
        if (at < Size) list.Add((at, Size));
        return list;
    }

    private bool Allocate(nuint size)
    {
        nuint kept = Placement.Kept(size);
        var free = FreeIntervals();
        if (!Placement.FindWindow(_p, _core.C, kept, 16, Size, out nuint end, out nuint from))
        {
            Assert.DoesNotContain(free, i => i.End - i.Start >= kept);
            return false;
        }
        nuint length = Placement.Tag(_core.C, end)->Length;
        Assert.Contains((from, end), free);
        // A good fit: the stretch is in the request's own bin, or in the smallest bin above it that holds any stretch.
        int own = Placement.BinOf(kept >> 8), chosen = Placement.BinOf(length >> 8);
        if (chosen != own) Assert.DoesNotContain(free, i => Placement.BinOf((i.End - i.Start) >> 8) is var b && b > own && b < chosen);
        Placement.TakeWindow(_p, _core.C, end, from, from + kept);
        *Placement.HeadWord(_p, from) = size;
        _runs.Add(from, size);
        return true;
    }

    private void AssertModel()
    {
        var free = FreeIntervals();
        foreach (var (start, end) in free)
        {
            HeapViolation v = Placement.ValidateStretch(_p, _core.C, start, end);
            Assert.True(v.IsClean, $"stretch [{start}, {end}): {ViolationNames.Name(v.Kind)}");
        }
        HeapViolation bins = Placement.ValidateBins(_p, _core.C, (nuint)free.Count);
        Assert.True(bins.IsClean, $"bins: {ViolationNames.Name(bins.Kind)} at {bins.Offset} bin {bins.Order}");
        foreach (var (offset, requested) in _runs)
        {
            HeapViolation v = Placement.ValidateRun(_p, _core.C, null, offset, out nuint kept, out nuint asked, out _);
            Assert.True(v.IsClean, $"run at {offset}: {ViolationNames.Name(v.Kind)}");
            Assert.Equal(Placement.Kept(requested), kept);
            Assert.Equal(requested, asked);
        }
        Assert.Equal(_core.Canonical(free), _core.FreeBlocks());
        _core.AssertValid();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Runs_match_the_reference_model(int seed)
    {
        var rng = new Random(seed);
        for (int step = 0; step < 5000; step++)
        {
            int action = rng.Next(10);
            nuint size = (nuint)(rng.Next(4) == 0 ? rng.Next(1, 60000) : rng.Next(1, 6000));
            if (_runs.Count == 0 || action < 4) Allocate(size);
            else if (action < 7)
            {
                nuint offset = _runs.Keys.ElementAt(rng.Next(_runs.Count));
                Placement.FreeRun(_p, _core.C, offset, Placement.Kept(_runs[offset]));
                Assert.Equal(0UL, *Placement.HeadWord(_p, offset));
                _runs.Remove(offset);
            }
            else
            {
                nuint offset = _runs.Keys.ElementAt(rng.Next(_runs.Count));
                nuint kept = Placement.Kept(_runs[offset]), newKept = Placement.Kept(size);
                if (newKept > kept)
                {
                    nuint next = _runs.Keys.FirstOrDefault(k => k > offset, Size);
                    bool room = next - offset >= newKept;
                    Assert.Equal(room, Placement.TryGrowRun(_p, _core.C, offset, kept, newKept));
                    if (!room) continue;
                }
                else if (newKept < kept) Placement.ShrinkRun(_p, _core.C, offset, kept, newKept);
                *Placement.HeadWord(_p, offset) = size;
                _runs[offset] = size;
            }
            AssertModel();
        }
        foreach (var (offset, requested) in _runs) Placement.FreeRun(_p, _core.C, offset, Placement.Kept(requested));
        _runs.Clear();
        AssertModel();
        Assert.Equal((nuint)1, _core.C->FreeCounts[_core.C->Top]);
    }

    [Fact]
    public void Bins_are_exact_below_16_KiB_then_sixteen_per_doubling()
    {
        for (nuint g = 1; g < 64; g++) Assert.Equal((int)g - 1, Placement.BinOf(g));
        for (int bin = 63; bin < 63 + 16 * 10; bin++)
        {
            nuint floor = Placement.BinFloor(bin), next = Placement.BinFloor(bin + 1);
            Assert.Equal(bin, Placement.BinOf(floor));
            Assert.Equal(bin, Placement.BinOf(next - 1));
            Assert.True(next - floor <= floor / 16, $"bin {bin}: {floor}..{next} granules");
        }
    }

    [Fact]
    public void The_best_fit_hole_is_taken_and_a_freed_run_joins_both_neighbours()
    {
        Assert.True(Allocate(12 * 1024));   // [0, 12K)
        Assert.True(Allocate(4 * 1024));    // [12K, 16K)
        Assert.True(Allocate(6 * 1024));    // [16K, 22K)
        Assert.True(Allocate(1000));        // [22K, 23K): keeps the 6 KiB hole from the rest of the region
        nuint a = 0, b = 16 * 1024;
        Placement.FreeRun(_p, _core.C, a, 12 * 1024);
        _runs.Remove(a);
        Placement.FreeRun(_p, _core.C, b, 6 * 1024);
        _runs.Remove(b);
        AssertModel();
        Assert.True(Allocate(5000));        // 5120: the 6 KiB hole is the better fit
        Assert.True(_runs.ContainsKey(b));
        Placement.FreeRun(_p, _core.C, 12 * 1024, 4 * 1024);   // the 4 KiB between: joins [0, 12K) and [16K+5K, 22K)? no: only its left
        _runs.Remove(12 * 1024);
        AssertModel();
        Assert.Equal((nuint)16 * 1024, Placement.Tag(_core.C, 16 * 1024)->Length);   // one stretch [0, 16K)
    }
}
