using BuddyOS.TestSupport.Baselines;
using BuddyOS.TestSupport.Support;

namespace BuddyOS.TestSupport.Allocators;

/// <summary>The textbook free-list buddy baseline (16-byte minimum block, same region as BuddyOS.Heap).</summary>
public unsafe struct TextbookBuddyAllocator : IBenchAllocator
{
    private TextbookBuddy _heap;

    public readonly string Name => "TextbookBuddy";
    public readonly bool ReclaimsOnlyWhenEmpty => false;
    public readonly TextbookBuddy Heap => _heap;

    public static TextbookBuddyAllocator Create(NativeRegion region)
        => new() { _heap = TextbookBuddy.Create(region.Start, region.Size, 16) };

    public void Reset() => _heap.Reset();
    public void Release() => _heap.Dispose();

    public byte* Alloc(nuint size, nuint align) => _heap.Allocate(size, align);

    public bool Free(byte* block, nuint size, nuint align)
    {
        _heap.Free(block, size, align);
        return true;
    }

    public byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
        => _heap.Reallocate(block, oldSize, newSize, align);

    public readonly string? Validate() => _heap.Validate();

    public readonly string? CheckEmpty()
    {
        for (int k = 0; k < _heap.Orders - 1; k++)
            if (_heap.FreeBlockCount(k) != 0) return $"order {k} still holds {_heap.FreeBlockCount(k)} free blocks after freeing everything";
        return _heap.FreeBlockCount(_heap.Orders - 1) == 1 ? null : "top order does not hold exactly one free block";
    }
}
