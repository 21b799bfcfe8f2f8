namespace BuddyOS.TestSupport.Allocators;

/// <summary>
/// Diagnostic wrapper: the same allocator with realloc replaced by allocate, copy, free (GlobalAlloc's default,
/// what the textbook buddy does). Used in the efficiency figure to separate the realloc policy from the rest.
/// </summary>
public unsafe struct MovingRealloc<T> : IBenchAllocator where T : struct, IBenchAllocator
{
    private T _inner;

    public MovingRealloc(T inner) => _inner = inner;

    public readonly string Name => _inner.Name + " (realloc = alloc+copy+free)";
    public readonly bool ReclaimsOnlyWhenEmpty => _inner.ReclaimsOnlyWhenEmpty;
    public byte* Alloc(nuint size, nuint align) => _inner.Alloc(size, align);
    public bool Free(byte* block, nuint size, nuint align) => _inner.Free(block, size, align);

    public byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
    {
        byte* fresh = _inner.Alloc(newSize, align);
        if (fresh == null) return null;
        Buffer.MemoryCopy(block, fresh, (long)newSize, (long)(oldSize < newSize ? oldSize : newSize));
        _inner.Free(block, oldSize, align);
        return fresh;
    }

    public void Reset() => _inner.Reset();
    public string? Validate() => _inner.Validate();
    public string? CheckEmpty() => _inner.CheckEmpty();
}
