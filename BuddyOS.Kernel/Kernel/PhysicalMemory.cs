// RAM outside the kernel image, handed out from the multiboot2 memory map and never given back: the self-tests'
// scratch heap and the memory the runtime reserves outside objects (CoreLib's frozen-object heap, through
// SystemNative_MMap; run-time interface dispatch cells). Each request takes the lowest aligned range of available
// RAM at or above 1 MiB that overlaps neither the kernel's two segments (code and data at 1 MiB, .bss at
// 10 MiB: Boot/linker.ld), the multiboot2 information, nor anything taken before. The boot page tables identity-map the first
// 4 GiB, so an address taken here is usable as it is.
namespace BuddyOS.Kernel
{
    internal static unsafe class PhysicalMemory
    {
        private const ulong LowestAddress = 1UL << 20;   // below 1 MiB: real-mode and BIOS data
        private const int MaxRanges = 16;

        [System.Runtime.CompilerServices.InlineArray(2 * MaxRanges)]
        private struct RangeTable
        {
            private ulong _first;
        }

        private static byte* s_info;
        private static RangeTable s_excluded;             // pairs [start, end): image, information, taken ranges
        private static int s_excludedCount;
        private static ulong s_taken;

        public static ulong BytesTaken => s_taken;

        [System.Runtime.RuntimeImport("BuddyOS_BssStart")]
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
        private static extern byte* BssStart();

        public static byte* BssStartAddress => BssStart();

        public static void Initialize(byte* multibootInfo, byte* bssEnd)
        {
            s_info = multibootInfo;
            Exclude((ulong)Runtime.Modules.ImageBase(), (ulong)Runtime.Modules.ImageEnd());
            Exclude((ulong)BssStart(), (ulong)bssEnd);
            Exclude((ulong)multibootInfo, (ulong)multibootInfo + Multiboot.InfoSize(multibootInfo));
        }

        // `size` bytes aligned to `alignment` (a power of two); null when the memory map has no such range left.
        // The memory is not zeroed.
        public static byte* Take(ulong size, ulong alignment)
        {
            ulong best = ulong.MaxValue;
            for (int i = 0; Multiboot.TryGetAvailableRange(s_info, i, out ulong start, out ulong end); i++)
            {
                ulong at = Align(start < LowestAddress ? LowestAddress : start, alignment);
                while (at + size <= end && at < best)
                {
                    ulong clash = FirstClash(at, at + size);
                    if (clash == 0)
                    {
                        best = at;
                        break;
                    }
                    at = Align(clash, alignment);
                }
            }
            if (best == ulong.MaxValue || s_excludedCount == MaxRanges)
                return null;
            Exclude(best, best + size);
            s_taken += size;
            return (byte*)best;
        }

        private static ulong Align(ulong x, ulong alignment) => (x + alignment - 1) & ~(alignment - 1);

        // The end of an excluded range that [start, end) overlaps, or 0.
        private static ulong FirstClash(ulong start, ulong end)
        {
            for (int i = 0; i < s_excludedCount; i++)
                if (start < s_excluded[2 * i + 1] && s_excluded[2 * i] < end)
                    return s_excluded[2 * i + 1];
            return 0;
        }

        private static void Exclude(ulong start, ulong end)
        {
            s_excluded[2 * s_excludedCount] = start;
            s_excluded[2 * s_excludedCount + 1] = end;
            s_excludedCount++;
        }
    }
}
