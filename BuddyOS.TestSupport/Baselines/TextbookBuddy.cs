using System.Numerics;
using System.Runtime.InteropServices;

namespace BuddyOS.TestSupport.Baselines;

/// <summary>
/// BASELINE, not BuddyOS: the classic free-list buddy allocator as kernel tutorials write it from the
/// textbook description (the shape of buddy_system_allocator, the peers' reference). One singly linked
/// free list per order, threaded through the free blocks themselves. Allocation pops the smallest
/// non-empty order at or above the request and splits it down; free finds the block's buddy by walking
/// that order's free list and merges while the buddy is found. The caller passes the size (and alignment)
/// on free, as Rust's GlobalAlloc does, because the allocator keeps no per-block record. Reallocation is
/// GlobalAlloc's default: allocate, copy, free.
/// The list walk on free is the point: it makes free O(free blocks of that order), which is what the
/// fragmented-free workload exposes. It is a handle: state lives in native memory so copies share it.
/// </summary>
public unsafe struct TextbookBuddy : IDisposable
{
    private struct FreeNode { public FreeNode* Next; }

    private byte* _base;
    private nuint _size;
    private int _orders;
    private int _minShift;
    private FreeNode** _heads; // _heads[k]: free blocks of size (min block << k)

    public readonly byte* Base => _base;
    public readonly nuint Size => _size;
    public readonly int Orders => _orders;
    public readonly nuint MinBlockSize => (nuint)1 << _minShift;

    /// <summary>
    /// A heap over [region, region + size): size a power of two, minBlock a power of two at least the
    /// size of a pointer. Buddies are computed from offsets, so the region need only be aligned to minBlock.
    /// </summary>
    public static TextbookBuddy Create(byte* region, nuint size, nuint minBlock)
    {
        if (!BitOperations.IsPow2((ulong)size) || !BitOperations.IsPow2((ulong)minBlock)
            || minBlock < (nuint)sizeof(FreeNode) || size < minBlock)
            throw new ArgumentException("size and minBlock must be powers of two, minBlock >= pointer size, size >= minBlock");
        var heap = new TextbookBuddy
        {
            _base = region,
            _size = size,
            _minShift = BitOperations.TrailingZeroCount((ulong)minBlock),
            _orders = BitOperations.TrailingZeroCount((ulong)size) - BitOperations.TrailingZeroCount((ulong)minBlock) + 1,
        };
        heap._heads = (FreeNode**)NativeMemory.AllocZeroed((nuint)heap._orders, (nuint)sizeof(FreeNode*));
        heap.Reset();
        return heap;
    }

    /// <summary>Forgets every block: the whole region is one free block again.</summary>
    public void Reset()
    {
        for (int k = 0; k < _orders; k++) _heads[k] = null;
        var whole = (FreeNode*)_base;
        whole->Next = null;
        _heads[_orders - 1] = whole;
    }

    public void Dispose()
    {
        if (_heads != null) NativeMemory.Free(_heads);
        _heads = null;
    }

    /// <summary>The order whose blocks fit size bytes at the alignment, or -1 when none does.</summary>
    private readonly int OrderFor(nuint size, nuint align)
    {
        nuint need = size > align ? size : align;
        if (need > _size) return -1;
        int shift = need <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)need - 1);
        int order = shift - _minShift;
        return order < 0 ? 0 : order;
    }

    /// <summary>A block for size bytes at the alignment, or null when no free block is large enough.</summary>
    public byte* Allocate(nuint size, nuint align)
    {
        int order = OrderFor(size, align);
        if (order < 0) return null;
        int k = order;
        while (k < _orders && _heads[k] == null) k++;
        if (k == _orders) return null;

        FreeNode* block = _heads[k];
        _heads[k] = block->Next;
        while (k > order) // split: keep the lower half, put the upper half on the next order down
        {
            k--;
            var upper = (FreeNode*)((byte*)block + ((nuint)1 << (k + _minShift)));
            upper->Next = _heads[k];
            _heads[k] = upper;
        }
        return (byte*)block;
    }

    /// <summary>Returns a block allocated with the same size and alignment, merging with free buddies.</summary>
    public void Free(byte* block, nuint size, nuint align)
    {
        int order = OrderFor(size, align);
        while (order < _orders - 1)
        {
            nuint offset = (nuint)(block - _base);
            byte* buddy = _base + (offset ^ ((nuint)1 << (order + _minShift)));
            // The textbook step: walk this order's free list looking for the buddy.
            FreeNode** link = &_heads[order];
            while (*link != null && (byte*)*link != buddy) link = &(*link)->Next;
            if (*link == null) break;
            *link = (*link)->Next; // unlink the buddy and merge
            if (buddy < block) block = buddy;
            order++;
        }
        var node = (FreeNode*)block;
        node->Next = _heads[order];
        _heads[order] = node;
    }

    /// <summary>GlobalAlloc's default realloc: allocate, copy the smaller size, free; null leaves the old block.</summary>
    public byte* Reallocate(byte* block, nuint oldSize, nuint newSize, nuint align)
    {
        byte* fresh = Allocate(newSize, align);
        if (fresh == null) return null;
        Buffer.MemoryCopy(block, fresh, (long)newSize, (long)(oldSize < newSize ? oldSize : newSize));
        Free(block, oldSize, align);
        return fresh;
    }

    /// <summary>Free blocks on order k's list (walks it).</summary>
    public readonly int FreeBlockCount(int order)
    {
        int n = 0;
        for (FreeNode* p = _heads[order]; p != null; p = p->Next) n++;
        return n;
    }

    /// <summary>
    /// Structural check: every free block lies in the region, is aligned to its size, and no two free
    /// blocks overlap. Null when all hold. O(F log F) in the number of free blocks.
    /// </summary>
    public readonly string? Validate()
    {
        var spans = new List<(ulong Start, ulong End, int Order)>();
        for (int k = 0; k < _orders; k++)
        {
            nuint blockSize = (nuint)1 << (k + _minShift);
            int guard = 0;
            for (FreeNode* p = _heads[k]; p != null; p = p->Next)
            {
                if (++guard > (int)Math.Min(int.MaxValue, (ulong)(_size >> _minShift))) return $"order {k}: free list has a cycle";
                nuint off = (nuint)((byte*)p - _base);
                if ((byte*)p < _base || off + blockSize > _size) return $"order {k}: free block at offset {off} outside the region";
                if ((off & (blockSize - 1)) != 0) return $"order {k}: free block at offset {off} not aligned to {blockSize}";
                spans.Add((off, off + blockSize, k));
            }
        }
        spans.Sort();
        for (int i = 1; i < spans.Count; i++)
            if (spans[i].Start < spans[i - 1].End)
                return $"free blocks overlap at offsets {spans[i - 1].Start} (order {spans[i - 1].Order}) and {spans[i].Start} (order {spans[i].Order})";
        return null;
    }
}
