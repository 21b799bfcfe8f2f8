using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Tests.Heap;

public unsafe class BumpHeapTests : IDisposable
{
    private readonly byte* _region = (byte*)NativeMemory.AlignedAlloc(4096, 4096);
    private readonly byte* _meta = (byte*)NativeMemory.AlignedAlloc(256, 16);
    private BumpHeap _heap;

    public BumpHeapTests()
        => Assert.Equal(HeapStatus.Ok, BumpHeap.TryCreate(_region, 4096, _meta, BumpHeap.MetadataBytes(), out _heap));

    public void Dispose()
    {
        NativeMemory.AlignedFree(_region);
        NativeMemory.AlignedFree(_meta);
    }

    [Fact]
    public void Allocations_are_consecutive_and_aligned()
    {
        Assert.Equal(HeapStatus.Ok, _heap.TryAllocate(10, 1, out byte* a));
        Assert.Equal(HeapStatus.Ok, _heap.TryAllocate(8, 8, out byte* b));
        Assert.Equal(HeapStatus.Ok, _heap.TryAllocate(1, 256, out byte* c));
        Assert.True(a == _region);
        Assert.True(b == _region + 16);
        Assert.True(c == _region + 256);
    }

    [Fact]
    public void Memory_comes_back_only_when_every_block_is_freed()
    {
        _heap.TryAllocate(1000, 1, out byte* a);
        _heap.TryAllocate(1000, 1, out byte* b);
        Assert.Equal(HeapStatus.Ok, _heap.Free(a));
        Assert.Equal(HeapStatus.OutOfMemory, _heap.TryAllocate(3000, 1, out _));   // a's space is not reused
        Assert.Equal(HeapStatus.Ok, _heap.Free(b));
        Assert.Equal(HeapStatus.Ok, _heap.TryAllocate(3000, 1, out byte* c));
        Assert.True(c == _region);
    }

    [Fact]
    public void A_long_lived_block_defeats_it()
    {
        _heap.TryAllocate(16, 1, out _);                                             // stays live
        int served = 0;
        for (int i = 0; i < 1000; i++)
        {
            if (_heap.TryAllocate(16, 1, out byte* p) != HeapStatus.Ok) break;
            _heap.Free(p);
            served++;
        }
        Assert.Equal(255, served);                                                   // 4096 / 16 - 1, then out of memory
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        byte* outside = stackalloc byte[8];
        Assert.Equal(HeapStatus.DoubleFree, _heap.Free(_region));                   // nothing live
        _heap.TryAllocate(16, 1, out byte* a);
        Assert.Equal(HeapStatus.NullPointer, _heap.Free(null));
        Assert.Equal(HeapStatus.ForeignPointer, _heap.Free(outside));
        Assert.Equal(HeapStatus.ForeignPointer, _heap.Free(_region + 2048));        // never handed out
        Assert.Equal(HeapStatus.ZeroSize, _heap.TryAllocate(0, 1, out _));
        Assert.Equal(HeapStatus.AlignmentNotPowerOfTwo, _heap.TryAllocate(8, 3, out _));
        Assert.Equal(HeapStatus.SizeOverflow, _heap.TryAllocate(nuint.MaxValue, 8, out _));
        Assert.Equal(HeapStatus.Unsupported, _heap.TryGetUsableSize(a, out _));
        Assert.Equal((ulong)1, _heap.GetStatistics().LiveBlocks);
    }

    [Fact]
    public void The_last_block_resizes_in_place()
    {
        _heap.TryAllocate(16, 1, out byte* a);
        a[0] = 7;
        Assert.Equal(HeapStatus.Ok, _heap.TryReallocate(a, 100, out byte* b));
        Assert.True(a == b);
        _heap.TryAllocate(16, 1, out _);
        Assert.Equal(HeapStatus.Ok, _heap.TryReallocate(b, 200, out byte* c));
        Assert.True(c != b);
        Assert.Equal(7, c[0]);
    }
}
