// Memory copy/fill used by generated code (cpblk/initblk, struct copies, array clears) and by the
// runtime itself. Plain byte loops with an 8-byte fast path: simple beats clever in a teaching kernel.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace System
{
    internal static unsafe class SpanHelpers
    {
        [RuntimeExport("RhSpanHelpers_MemCopy")]
        public static void Memmove(ref byte destination, ref byte source, nuint length)
        {
            byte* dst = (byte*)Unsafe.AsPointer(ref destination);
            byte* src = (byte*)Unsafe.AsPointer(ref source);
            if (dst == src || length == 0)
                return;
            if (dst < src || dst >= src + length)
            {
                nuint i = 0;
                for (; i + 8 <= length; i += 8)
                    *(ulong*)(dst + i) = *(ulong*)(src + i);
                for (; i < length; i++)
                    dst[i] = src[i];
            }
            else
            {
                // Overlapping with the destination above the source: copy backwards.
                for (nuint i = length; i > 0; i--)
                    dst[i - 1] = src[i - 1];
            }
        }

        [RuntimeExport("RhSpanHelpers_MemSet")]
        public static void Fill(ref byte destination, byte value, nuint length)
        {
            byte* dst = (byte*)Unsafe.AsPointer(ref destination);
            ulong pattern = value * 0x0101010101010101UL;
            nuint i = 0;
            for (; i + 8 <= length; i += 8)
                *(ulong*)(dst + i) = pattern;
            for (; i < length; i++)
                dst[i] = value;
        }

        [RuntimeExport("RhSpanHelpers_MemZero")]
        public static void ClearWithoutReferences(ref byte destination, nuint length) => Fill(ref destination, 0, length);

        public static void ClearWithReferences(ref IntPtr destination, nuint pointerCount) =>
            Fill(ref Unsafe.As<IntPtr, byte>(ref destination), 0, pointerCount * (nuint)sizeof(nint));
    }

    internal static class Buffer
    {
        // No GC, so copying references needs no barrier bookkeeping.
        public static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount) =>
            SpanHelpers.Memmove(ref destination, ref source, byteCount);

        public static void Memmove(ref byte destination, ref byte source, nuint byteCount) =>
            SpanHelpers.Memmove(ref destination, ref source, byteCount);
    }
}
