// RAM outside the kernel image, handed out from the multiboot2 memory map in ascending order and never given
// back: the self-tests' scratch heap and the memory the runtime reserves outside objects (CoreLib's frozen-object
// heap, through SystemNative_MMap). The boot page tables identity-map the first 4 GiB, so an address taken here
// is usable as it is.
namespace BuddyOS.Kernel
{
    internal static unsafe class PhysicalMemory
    {
        private static byte* s_info;
        private static byte* s_next;
        private static ulong s_taken;

        public static ulong BytesTaken => s_taken;

        public static void Initialize(byte* multibootInfo, byte* kernelEnd)
        {
            s_info = multibootInfo;
            s_next = kernelEnd;
        }

        // `size` bytes aligned to `alignment` (a power of two), above everything taken so far; null when the
        // memory map has no such range. The memory is not zeroed.
        public static byte* Take(ulong size, ulong alignment)
        {
            byte* range = Multiboot.FindFreeRange(s_info, s_next, size, alignment);
            if (range != null)
            {
                s_next = range + size;
                s_taken += size;
            }
            return range;
        }
    }
}
