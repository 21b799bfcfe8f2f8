using System.Runtime.InteropServices;

namespace BuddyOS.TestSupport.Allocators;

/// <summary>
/// The platform allocator (glibc malloc on Linux) through NativeMemory.AlignedAlloc / AlignedFree.
/// Reallocation follows Rust's System allocator: plain realloc when the alignment is at most malloc's own
/// 16 bytes (glibc accepts aligned_alloc pointers there), otherwise NativeMemory.AlignedRealloc.
/// It ignores the heap-size setting: it grows as it likes.
/// </summary>
public unsafe struct PlatformAllocator : IBenchAllocator
{
    private const nuint MallocAlignment = 16;

    public readonly string Name => "glibc";
    public readonly bool ReclaimsOnlyWhenEmpty => false;

    public readonly byte* Alloc(nuint size, nuint align) => (byte*)NativeMemory.AlignedAlloc(size, align);

    public readonly bool Free(byte* block, nuint size, nuint align)
    {
        NativeMemory.AlignedFree(block);
        return true;
    }

    public readonly byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
        => align <= MallocAlignment
            ? (byte*)NativeMemory.Realloc(block, newSize)
            : (byte*)NativeMemory.AlignedRealloc(block, newSize, align);

    public readonly void Reset() { }
    public readonly string? Validate() => null;
    public readonly string? CheckEmpty() => null;
}
