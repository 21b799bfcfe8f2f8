namespace BuddyOS.TestSupport.Allocators;

/// <summary>
/// Diagnostic: hands out one fixed 256 KiB scratch block for every request and ignores frees, so a workload
/// run on it measures the harness alone (random numbers, the live list, copies the workload itself makes).
/// Not an allocator: blocks overlap by design, so it is never run under the checks.
/// </summary>
public unsafe struct NullAllocator : IBenchAllocator
{
    private byte* _scratch;

    public static NullAllocator Create(Support.NativeRegion scratch) => new() { _scratch = scratch.Start };

    public readonly string Name => "harness only";
    public readonly bool ReclaimsOnlyWhenEmpty => false;
    public readonly byte* Alloc(nuint size, nuint align) => _scratch;
    public readonly bool Free(byte* block, nuint size, nuint align) => true;
    public readonly byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align) => _scratch;
    public readonly void Reset() { }
    public readonly string? Validate() => null;
    public readonly string? CheckEmpty() => null;
}
