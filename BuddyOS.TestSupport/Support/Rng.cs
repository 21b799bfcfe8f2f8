using System.Runtime.CompilerServices;

namespace BuddyOS.TestSupport.Support;

/// <summary>
/// wyrand: a small, fast, seedable generator, so every allocator in a trial sees the same action sequence.
/// </summary>
public struct Rng
{
    private ulong _state;

    public Rng(ulong seed) => _state = seed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextU64()
    {
        _state += 0xA0761D6478BD642FUL;
        ulong hi = Math.BigMul(_state, _state ^ 0xE7037ED1A0B428DBUL, out ulong lo);
        return hi ^ lo;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort NextU16() => (ushort)(NextU64() >> 48);

    /// <summary>Uniform in [0, n) by multiply-shift (n > 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Below(ulong n) => Math.BigMul(NextU64(), n, out _);

    /// <summary>Uniform in [lo, hi) (Rust's <c>lo..hi</c>); lo when the range is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Range(ulong lo, ulong hi) => hi <= lo ? lo : lo + Below(hi - lo);

    /// <summary>Uniform in [lo, hi] (Rust's <c>lo..=hi</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong RangeInclusive(ulong lo, ulong hi) => lo + Below(hi - lo + 1);
}

/// <summary>The request generators the peers' workloads share (benchmarks.md).</summary>
public static class Requests
{
    /// <summary>Size = rand(4 .. rand(16 .. max)): small sizes dominate, large ones occur.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Size(ref Rng rng, ulong max) => (nuint)rng.Range(4, rng.Range(16, max));

    /// <summary>
    /// Alignment = 8 &lt;&lt; (tzcnt(rand_u16) / 2): 75% 8, 19% 16, 4.7% 32, 1.2% 64 and rarer up to 2048
    /// (tzcnt(0) = 16). Every allocator measured accepts 2048, so no clamp is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Alignment(ref Rng rng)
    {
        int tz = System.Numerics.BitOperations.TrailingZeroCount((uint)rng.NextU16() | 0x10000u);
        return (nuint)8 << (tz / 2);
    }
}
