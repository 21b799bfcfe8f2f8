namespace BuddyOS.Heap;

/// <summary>
/// The outcome of every heap operation. Anything other than <see cref="Ok"/> means the call changed
/// nothing: no block, no statistic, no counter.
/// </summary>
public enum HeapStatus
{
    /// <summary>The operation succeeded.</summary>
    Ok = 0,
    /// <summary>No free block is large enough (the request itself was valid).</summary>
    OutOfMemory,
    /// <summary>A size of zero was requested.</summary>
    ZeroSize,
    /// <summary>The size, or the size plus the alignment, overflows the address space.</summary>
    SizeOverflow,
    /// <summary>The size (rounded up to a block) is larger than the whole heap.</summary>
    SizeTooLarge,
    /// <summary>The alignment is zero or not a power of two.</summary>
    AlignmentNotPowerOfTwo,
    /// <summary>The alignment is larger than the whole heap.</summary>
    AlignmentTooLarge,
    /// <summary>A null pointer was passed where a block was expected.</summary>
    NullPointer,
    /// <summary>The pointer lies outside every region this heap manages.</summary>
    ForeignPointer,
    /// <summary>The pointer lies inside the heap but not on a minimum-block boundary.</summary>
    MisalignedPointer,
    /// <summary>The pointer lies inside an allocated block but is not its start.</summary>
    InteriorPointer,
    /// <summary>The pointer refers to memory that is free: a double free, or a pointer into a freed block.</summary>
    DoubleFree,
    /// <summary>The region, size, orders or metadata pointer do not describe a valid heap.</summary>
    InvalidConfiguration,
    /// <summary>The metadata storage is smaller than the configuration requires.</summary>
    MetadataTooSmall,
    /// <summary>A heap set has no room for another region.</summary>
    RegionTableFull,
    /// <summary>The allocator cannot answer this question (the bump heap keeps no per-block sizes), or this build
    /// lacks what was asked for (debug checks without BUDDYOS_HEAP_DEBUG).</summary>
    Unsupported,
    /// <summary>Debug checks (<see cref="HeapChecks.Poison"/>): the block an allocation would hand out no longer holds
    /// the poison written at its free, so something wrote to freed memory. The block stays free; nothing else changed.</summary>
    UseAfterFree,
    /// <summary>Debug checks (<see cref="HeapChecks.Invariants"/>): a broken invariant around this operation. The
    /// operation may have changed the heap, which must not be used further.</summary>
    HeapCorrupted,
}

/// <summary>Names of <see cref="HeapStatus"/> values, as string literals so the kernel can print them.</summary>
public static class HeapStatusNames
{
    /// <summary>The status's name, e.g. "DoubleFree".</summary>
    public static string Name(HeapStatus status) => status switch
    {
        HeapStatus.Ok => "Ok",
        HeapStatus.OutOfMemory => "OutOfMemory",
        HeapStatus.ZeroSize => "ZeroSize",
        HeapStatus.SizeOverflow => "SizeOverflow",
        HeapStatus.SizeTooLarge => "SizeTooLarge",
        HeapStatus.AlignmentNotPowerOfTwo => "AlignmentNotPowerOfTwo",
        HeapStatus.AlignmentTooLarge => "AlignmentTooLarge",
        HeapStatus.NullPointer => "NullPointer",
        HeapStatus.ForeignPointer => "ForeignPointer",
        HeapStatus.MisalignedPointer => "MisalignedPointer",
        HeapStatus.InteriorPointer => "InteriorPointer",
        HeapStatus.DoubleFree => "DoubleFree",
        HeapStatus.InvalidConfiguration => "InvalidConfiguration",
        HeapStatus.MetadataTooSmall => "MetadataTooSmall",
        HeapStatus.RegionTableFull => "RegionTableFull",
        HeapStatus.Unsupported => "Unsupported",
        HeapStatus.UseAfterFree => "UseAfterFree",
        HeapStatus.HeapCorrupted => "HeapCorrupted",
        _ => "UnknownStatus",
    };
}
