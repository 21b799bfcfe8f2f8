using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap.Layers;

/// <summary>
/// The buddy core alone (Buddy/BuddyCore.cs), against a reference model of which 16-byte units are taken: after every
/// operation (whole blocks taken and released, ranges claimed and released, a block carved) the free lists must hold
/// exactly the blocks a buddy system holds for the model's free intervals (each cut into the largest aligned blocks),
/// and the core's Validate stays clean.
/// </summary>
public unsafe class BuddyCoreTests
{
    private const nuint Size = 64 * 1024;
    private const int Orders = 13;   // 16-byte minimum blocks

    private sealed class Model
    {
        public readonly bool[] Taken = new bool[Size / 16];

        public void Mark(nuint from, nuint to, bool taken)
        {
            for (nuint at = from; at < to; at += 16)
            {
                Assert.True(Taken[at / 16] != taken, $"unit at {at} already {(taken ? "taken" : "free")}");
                Taken[at / 16] = taken;
            }
        }

        public List<(nuint, nuint)> FreeIntervals()
        {
            var list = new List<(nuint, nuint)>();
            for (nuint at = 0; at < Size; )
            {
                if (Taken[at / 16]) { at += 16; continue; }
                nuint start = at;
                while (at < Size && !Taken[at / 16]) at += 16;
                list.Add((start, at));
            }
            return list;
        }

        public (nuint Start, nuint End) FreeAround(nuint from, nuint to)
        {
            nuint start = from, end = to;
            while (start > 0 && !Taken[(start - 16) / 16]) start -= 16;
            while (end < Size && !Taken[end / 16]) end += 16;
            return (start, end);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Blocks_and_ranges_leave_exactly_the_free_blocks_of_the_model(int seed)
    {
        using var f = new CoreFixture(Size, Orders);
        var model = new Model();
        var blocks = new List<(int Order, nuint Offset)>();
        var ranges = new List<(nuint From, nuint To)>();
        var rng = new Random(seed);
        for (int step = 0; step < 4000; step++)
        {
            int action = rng.Next(10);
            if (action < 3)
            {
                int order = rng.Next(0, 8);
                bool took = BuddyCore.TakeBlock(f.C, order, out nuint offset);
                nuint size = (nuint)16 << order;
                if (took)
                {
                    Assert.Equal((nuint)0, offset % size);
                    model.Mark(offset, offset + size, true);
                    blocks.Add((order, offset));
                }
                else
                    Assert.DoesNotContain(model.FreeIntervals(), i => (i.Item1 + size - 1) / size * size + size <= i.Item2);
            }
            else if (action < 5 && blocks.Count > 0)
            {
                int i = rng.Next(blocks.Count);
                var (order, offset) = blocks[i];
                blocks.RemoveAt(i);
                BuddyCore.ReleaseBlock(f.C, order, offset);
                model.Mark(offset, offset + ((nuint)16 << order), false);
            }
            else if (action < 7)
            {
                var free = model.FreeIntervals();
                if (free.Count == 0) continue;
                var (a, b) = free[rng.Next(free.Count)];
                nuint from = a + (nuint)rng.Next(0, (int)((b - a) / 16)) * 16 * (nuint)(rng.Next(2));
                nuint to = from + 16 + (nuint)rng.Next(0, (int)((b - from) / 16)) * 16;
                BuddyCore.ClaimRange(f.C, from, to, from == a);
                model.Mark(from, to, true);
                ranges.Add((from, to));
            }
            else if (action < 9 && ranges.Count > 0)
            {
                int i = rng.Next(ranges.Count);
                var (from, to) = ranges[i];
                ranges.RemoveAt(i);
                var (start, end) = model.FreeAround(from, to);
                BuddyCore.ReleaseInto(f.C, from, to, start, end);
                model.Mark(from, to, false);
            }
            else if (blocks.Count > 0)
            {
                int i = rng.Next(blocks.Count);
                var (order, offset) = blocks[i];
                if (order == 0) continue;
                nuint size = (nuint)16 << order, keep = 16 + (nuint)rng.Next(0, (int)(size / 16) - 1) * 16;
                blocks.RemoveAt(i);
                BuddyCore.Carve(f.C, order, offset, keep);
                model.Mark(offset + keep, offset + size, false);
                ranges.Add((offset, offset + keep));
            }
            Assert.Equal(f.Canonical(model.FreeIntervals()), f.FreeBlocks());
            f.AssertValid();
        }
    }

    [Fact]
    public void Locate_tells_a_leaf_start_from_free_memory_an_inside_and_a_misaligned_offset()
    {
        using var f = new CoreFixture(Size, Orders);
        Assert.True(BuddyCore.TakeBlock(f.C, 6, out nuint block));        // 1 KiB at 0
        Assert.Equal(HeapStatus.Ok, BuddyCore.Locate(f.C, block, out int order));
        Assert.Equal(6, order);
        Assert.Equal(HeapStatus.InteriorPointer, BuddyCore.Locate(f.C, block + 512, out _));
        Assert.Equal(HeapStatus.MisalignedPointer, BuddyCore.Locate(f.C, block + 8, out _));
        Assert.Equal(HeapStatus.DoubleFree, BuddyCore.Locate(f.C, block + 1024, out _));   // its free buddy
    }

    [Theory]
    [InlineData(0UL, 16UL, HeapStatus.ZeroSize)]
    [InlineData(16UL, 48UL, HeapStatus.AlignmentNotPowerOfTwo)]
    [InlineData(ulong.MaxValue, 16UL, HeapStatus.SizeOverflow)]
    [InlineData(16UL, 128UL * 1024, HeapStatus.AlignmentTooLarge)]
    [InlineData(65537UL, 1UL, HeapStatus.SizeTooLarge)]
    [InlineData(8192UL, 16384UL, HeapStatus.AlignmentTooLarge)]  // above a 4 KiB base alignment, for a block larger than it
    [InlineData(16UL, 8192UL, HeapStatus.Ok)]                     // a small block above the base: placement
    public void OrderFor_names_each_bad_request_and_changes_nothing(ulong size, ulong alignment, HeapStatus expected)
    {
        using var f = new CoreFixture(Size, Orders);
        byte[] before = f.Snapshot();
        Assert.Equal(expected, BuddyCore.OrderFor(f.C, 4096, (nuint)size, (nuint)alignment, out _));
        Assert.Equal(before, f.Snapshot());
    }

    [Fact]
    public void Validate_finds_a_missed_merge_and_a_stray_bit()
    {
        using var f = new CoreFixture(Size, Orders);
        Assert.True(BuddyCore.TakeBlock(f.C, 0, out nuint a));
        f.AssertValid();
        nuint node = BuddyCore.NodeOf(f.C, 0, a);
        BuddyCore.Set(f.C->Free, node);                                  // a's bit says free while its buddy is free too
        Assert.NotEqual(ViolationKind.None, BuddyCore.Validate(f.C, out _).Kind);
        BuddyCore.Clear(f.C->Free, node);
        BuddyCore.Set(f.C->Split, BuddyCore.NodeOf(f.C, 1, Size / 2));   // a split bit where no leaf is split
        Assert.Equal(ViolationKind.StrayBits, BuddyCore.Validate(f.C, out _).Kind);
    }
}
