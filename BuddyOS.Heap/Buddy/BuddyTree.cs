using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

// The arithmetic of the implicit block tree, each formula once. The whole region is node 1 and the children
// of node i are 2i and 2i + 1, so the nodes of order k are 2^(top - k) .. 2^(top - k + 1) - 1 and the buddy of
// node i is i ^ 1. `top` is the largest order (orders - 1), `minShift` log2 of the smallest block: callers pass
// them from a local copy, which keeps the hot loops free of reloads through the state pointer.
internal static class BuddyTree
{
    /// <summary>Bytes in a block of <paramref name="order"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint BlockSize(int minShift, int order) => (nuint)1 << (minShift + order);

    /// <summary>The node of the block of <paramref name="order"/> that holds region offset <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint NodeOf(int top, int minShift, int order, nuint offset)
        => ((nuint)1 << (top - order)) | (offset >> (minShift + order));

    /// <summary>The region offset where <paramref name="node"/>, a node of <paramref name="order"/>, starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint OffsetOf(int top, int minShift, int order, nuint node)
        => (node - ((nuint)1 << (top - order))) << (minShift + order);

    /// <summary>The order of a node: how far above the minimum blocks it sits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OrderOfNode(int top, nuint node) => top - Bits.HighestBit((ulong)node);

    /// <summary>The smallest order whose block holds <paramref name="bytes"/> (at least 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OrderForBytes(int minShift, nuint bytes) => Bits.HighestBit((ulong)((bytes - 1) >> minShift)) + 1;

    /// <summary>log2 of the smallest block when a region of <paramref name="size"/> bytes has <paramref name="orders"/> orders.</summary>
    public static int MinShiftFor(nuint size, int orders) => Bits.HighestBit((ulong)size) - (orders - 1);
}
