using System.Runtime.InteropServices;
using BuddyOS.Heap;
using BuddyOS.TestSupport.Support;

namespace BuddyOS.TestSupport.Allocators;

/// <summary>BuddyOS.Heap's buddy heap, the allocator under test: with its object cache ("BuddyOS.Heap") or the pure
/// buddy ("BuddyOS.Heap pure buddy"). Size and alignment on free are ignored.</summary>
public unsafe struct BuddyHeapAllocator : IBenchAllocator
{
    private BuddyHeap _heap;
    private byte* _region;
    private nuint _size;
    private int _orders;
    private byte* _metadata;
    private nuint _metadataBytes;
    private bool _objectCache;

    public readonly string Name => _objectCache ? "BuddyOS.Heap" : "BuddyOS.Heap pure buddy";
    public readonly bool ReclaimsOnlyWhenEmpty => false;
    public readonly BuddyHeap Heap => _heap;
    public readonly nuint MetadataBytes => _metadataBytes;

    public static BuddyHeapAllocator Create(NativeRegion region, bool objectCache = true)
    {
        var a = new BuddyHeapAllocator { _region = region.Start, _size = region.Size, _orders = BuddyHeap.OrdersFor(region.Size), _objectCache = objectCache };
        a._metadataBytes = BuddyHeap.MetadataBytes(a._size, a._orders, objectCache);
        if (a._metadataBytes == 0) throw new InvalidOperationException($"BuddyHeap.MetadataBytes({a._size}, {a._orders}) = 0");
        a._metadata = (byte*)NativeMemory.AlignedAlloc(a._metadataBytes, 64);
        a.Reset();
        return a;
    }

    public void Reset()
    {
        HeapStatus s = BuddyHeap.TryCreate(_region, _size, _orders, _metadata, _metadataBytes, out _heap, objectCache: _objectCache);
        if (s != HeapStatus.Ok) throw new InvalidOperationException("BuddyHeap.TryCreate: " + HeapStatusNames.Name(s));
    }

    public void Release()
    {
        if (_metadata != null) NativeMemory.AlignedFree(_metadata);
        _metadata = null;
    }

    public byte* Alloc(nuint size, nuint align) => _heap.Allocate(size, align);

    public bool Free(byte* block, nuint size, nuint align) => _heap.Free(block) == HeapStatus.Ok;

    // Rust's GlobalAlloc::realloc contract: the alignment is kept, in place or moved.
    public byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
        => _heap.TryReallocate(block, newSize, align, out byte* moved) == HeapStatus.Ok ? moved : null;

    public string? Validate()
    {
        HeapViolation v = _heap.Validate();
        return v.Kind == ViolationKind.None ? null
            : $"Validate: {ViolationNames.Name(v.Kind)} at offset {v.Offset}, order {v.Order}";
    }

    public string? CheckEmpty()
    {
        _heap.TrimObjectCache();   // the spare slabs go back: then the heap is whole
        HeapStatistics st = _heap.GetStatistics();
        if (st.FreeBytes != _size || st.LargestFreeBlock != _size || st.RequestedBytes != 0 || st.HeldBytes != 0)
            return $"not whole after freeing everything: free {st.FreeBytes}, largest {st.LargestFreeBlock}, requested {st.RequestedBytes}, held {st.HeldBytes} of {_size}";
        if (_heap.FreeBlockCount(_orders - 1) != 1) return "top order does not hold exactly one free block";
        return Validate();
    }
}

/// <summary>BuddyOS.Heap's bump heap: the speed ceiling (no search; memory comes back only when all is freed).</summary>
public unsafe struct BumpHeapAllocator : IBenchAllocator
{
    private BumpHeap _heap;
    private byte* _region;
    private nuint _size;
    private byte* _metadata;
    private nuint _metadataBytes;

    public readonly string Name => "BumpHeap";
    public readonly bool ReclaimsOnlyWhenEmpty => true;

    public static BumpHeapAllocator Create(NativeRegion region)
    {
        var a = new BumpHeapAllocator { _region = region.Start, _size = region.Size };
        a._metadataBytes = BumpHeap.MetadataBytes();
        a._metadata = (byte*)NativeMemory.AlignedAlloc(a._metadataBytes == 0 ? 1 : a._metadataBytes, 64);
        a.Reset();
        return a;
    }

    public void Reset()
    {
        HeapStatus s = BumpHeap.TryCreate(_region, _size, _metadata, _metadataBytes, out _heap);
        if (s != HeapStatus.Ok) throw new InvalidOperationException("BumpHeap.TryCreate: " + HeapStatusNames.Name(s));
    }

    public void Release()
    {
        if (_metadata != null) NativeMemory.AlignedFree(_metadata);
        _metadata = null;
    }

    /// <summary>BumpHeap.TryReallocate keeps at most this alignment when it moves a block (it is not told the alignment).</summary>
    private const nuint ReallocKeepsAlignment = 64;

    public byte* Alloc(nuint size, nuint align) => _heap.Allocate(size, align);

    public bool Free(byte* block, nuint size, nuint align) => _heap.Free(block) == HeapStatus.Ok;

    /// <summary>
    /// The heap's own realloc, except for alignments above what it keeps, where this adapter does
    /// allocate+copy+free (Rust's GlobalAlloc contract: realloc keeps the layout's alignment).
    /// </summary>
    public byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
    {
        if (align <= ReallocKeepsAlignment)
            return _heap.TryReallocate(block, newSize, out byte* moved) == HeapStatus.Ok ? moved : null;
        return AlignedMove.Realloc(ref _heap, block, oldSize, newSize, align);
    }

    public readonly string? Validate() => null;

    public string? CheckEmpty()
    {
        HeapStatistics st = _heap.GetStatistics();
        return st.LiveBlocks == 0 ? null : $"bump heap reports {st.LiveBlocks} live blocks after freeing everything";
    }
}

/// <summary>Rust's default GlobalAlloc::realloc, for alignments a heap's own realloc does not keep: allocate at
/// the alignment, copy the smaller size, free the old block.</summary>
internal static unsafe class AlignedMove
{
    public static byte* Realloc<THeap>(ref THeap heap, byte* block, nuint oldSize, nuint newSize, nuint align)
        where THeap : struct, IHeapAllocator
    {
        byte* fresh = heap.Allocate(newSize, align);
        if (fresh == null) return null;
        Buffer.MemoryCopy(block, fresh, (long)newSize, (long)(oldSize < newSize ? oldSize : newSize));
        heap.Free(block);
        return fresh;
    }
}
