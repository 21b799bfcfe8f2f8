using System.Runtime.InteropServices;
using BuddyOS.Heap;
using BuddyOS.TestSupport.Support;

namespace BuddyOS.TestSupport.Allocators;

/// <summary>How to make one kind of buddy heap: its name in the tables and its two static calls.</summary>
public unsafe interface IHeapKind<THeap> where THeap : struct, IBuddyHeap
{
    string Name { get; }
    nuint MetadataBytes(nuint size, int orders);
    HeapStatus Create(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes, out THeap heap);
}

/// <summary>BuddyOS.Heap's heap, the allocator under test: the buddy core with its object cache and placement.</summary>
public struct LayeredKind : IHeapKind<BuddyHeap>
{
    public readonly string Name => "BuddyOS.Heap";
    public readonly nuint MetadataBytes(nuint size, int orders) => BuddyHeap.MetadataBytes(size, orders);
    public readonly unsafe HeapStatus Create(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes, out BuddyHeap heap)
        => BuddyHeap.TryCreate(region, size, orders, metadata, metadataBytes, out heap);
}

/// <summary>The buddy core alone as a heap: every request a power-of-two block.</summary>
public struct PureKind : IHeapKind<PureBuddyHeap>
{
    public readonly string Name => "BuddyOS.Heap pure buddy";
    public readonly nuint MetadataBytes(nuint size, int orders) => PureBuddyHeap.MetadataBytes(size, orders);
    public readonly unsafe HeapStatus Create(byte* region, nuint size, int orders, byte* metadata, nuint metadataBytes, out PureBuddyHeap heap)
        => PureBuddyHeap.TryCreate(region, size, orders, metadata, metadataBytes, out heap);
}

/// <summary>A BuddyOS.Heap heap of either kind over a region of its own, 16-byte minimum blocks. Size and alignment on
/// free are ignored.</summary>
public unsafe struct BuddyAllocator<THeap, TKind> : IBenchAllocator
    where THeap : struct, IBuddyHeap
    where TKind : struct, IHeapKind<THeap>
{
    private THeap _heap;
    private byte* _region;
    private nuint _size;
    private int _orders;
    private byte* _metadata;
    private nuint _metadataBytes;

    public readonly string Name => default(TKind).Name;
    public readonly bool ReclaimsOnlyWhenEmpty => false;
    public readonly THeap Heap => _heap;
    public readonly nuint MetadataBytes => _metadataBytes;

    public static BuddyAllocator<THeap, TKind> Create(NativeRegion region)
    {
        var a = new BuddyAllocator<THeap, TKind> { _region = region.Start, _size = region.Size, _orders = BuddyHeap.OrdersFor(region.Size) };
        a._metadataBytes = default(TKind).MetadataBytes(a._size, a._orders);
        if (a._metadataBytes == 0) throw new InvalidOperationException($"{a.Name}: MetadataBytes({a._size}, {a._orders}) = 0");
        a._metadata = (byte*)NativeMemory.AlignedAlloc(a._metadataBytes, 64);
        a.Reset();
        return a;
    }

    public void Reset()
    {
        HeapStatus s = default(TKind).Create(_region, _size, _orders, _metadata, _metadataBytes, out _heap);
        if (s != HeapStatus.Ok) throw new InvalidOperationException($"{Name}: TryCreate: {HeapStatusNames.Name(s)}");
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

    public readonly string? Validate() => WholeHeap.Validate(_heap);

    public string? CheckEmpty() => WholeHeap.CheckEmpty(ref _heap);
}

/// <summary>The checks every buddy heap of a run gets: Validate, and after every block was freed, one whole free block.</summary>
internal static unsafe class WholeHeap
{
    public static string? Validate<THeap>(THeap heap) where THeap : struct, IBuddyHeap
    {
        HeapViolation v = heap.Validate();
        return v.Kind == ViolationKind.None ? null : $"Validate: {ViolationNames.Name(v.Kind)} at offset {v.Offset}, order {v.Order}";
    }

    public static string? CheckEmpty<THeap>(ref THeap heap) where THeap : struct, IBuddyHeap
    {
        heap.TrimObjectCache();   // the spare slabs go back: then the heap is whole
        HeapStatistics st = heap.GetStatistics();
        nuint size = heap.RegionSize;
        if (st.FreeBytes != size || st.LargestFreeBlock != size || st.RequestedBytes != 0 || st.HeldBytes != 0)
            return $"not whole after freeing everything: free {st.FreeBytes}, largest {st.LargestFreeBlock}, requested {st.RequestedBytes}, held {st.HeldBytes} of {size}";
        if (heap.FreeBlockCount(heap.Orders - 1) != 1) return "top order does not hold exactly one free block";
        return Validate(heap);
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
