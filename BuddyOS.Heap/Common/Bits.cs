using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>
/// The bit tricks the heap needs. On the host they map to hardware instructions through
/// System.Numerics.BitOperations; in the kernel (BUDDYOS_KERNEL) the corelib has no BitOperations, and the
/// kernel targets plain SSE2 (lzcnt/tzcnt/popcnt are not assumed), so the scans are bsf/bsr in small asm
/// helpers (a direct call each) and the population count, off the hot paths, is portable code.
/// </summary>
internal static class Bits
{
#if BUDDYOS_KERNEL
    /// <summary>Index of the lowest set bit; 64 for zero. A bsf in Boot/runtime.asm.</summary>
    [System.Runtime.RuntimeImport("BuddyOS_TrailingZeros")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern int TrailingZeros(ulong x);

    /// <summary>Index of the highest set bit; -1 for zero. A bsr in Boot/runtime.asm.</summary>
    [System.Runtime.RuntimeImport("BuddyOS_HighestBit")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern int HighestBit(ulong x);

    /// <summary>Number of set bits.</summary>
    public static int PopCount(ulong x)
    {
        x -= (x >> 1) & 0x5555555555555555UL;
        x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
        x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
        return (int)((x * 0x0101010101010101UL) >> 56);
    }
#else
    /// <summary>Index of the lowest set bit; 64 for zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TrailingZeros(ulong x) => System.Numerics.BitOperations.TrailingZeroCount(x);

    /// <summary>Index of the highest set bit; -1 for zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HighestBit(ulong x) => 63 - System.Numerics.BitOperations.LeadingZeroCount(x);

    /// <summary>Number of set bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PopCount(ulong x) => System.Numerics.BitOperations.PopCount(x);
#endif

    /// <summary>True when x is a power of two (zero is not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPowerOfTwo(nuint x) => x != 0 && (x & (x - 1)) == 0;

    /// <summary>x rounded up to a multiple of 16 (the alignment of every metadata array).</summary>
    public static nuint Round16(nuint x) => (x + 15) & ~(nuint)15;
}
